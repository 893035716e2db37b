from django.urls import path

from credit.lists import views

app_name = "lists"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.list_detail, name="detail"),
]
