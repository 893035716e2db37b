from django.urls import path

from credit.console import commitment_views as views

app_name = "commitments_console"
urlpatterns = [
    path("", views.queue, name="index"),
    path("new/", views.create, name="create"),
    path("<int:commitment_id>/", views.detail, name="detail"),
]
