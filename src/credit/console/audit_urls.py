from django.urls import path

from credit.console import audit_views as views

app_name = "audit"
urlpatterns = [
    path("changes/", views.change_list, name="changes"),
    path("access/", views.access_list, name="access"),
]
