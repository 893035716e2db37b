from django.urls import path

from credit.audit import views

app_name = "audit"
urlpatterns = [
    path("changes/", views.change_list, name="changes"),
    path("access/", views.access_list, name="access"),
]
