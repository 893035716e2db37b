from django.urls import path

from credit.reports import application_views
from credit.reports import console_views as views

app_name = "reports_console"
urlpatterns = [
    path("", views.index, name="index"),
    path("special/", views.special, name="special"),
    path("applications/", application_views.queue, name="applications"),
    path("applications/<int:request_id>/", application_views.detail, name="application"),
    path(
        "applications/<int:request_id>/materials/<int:material_id>/",
        application_views.material,
        name="application_material",
    ),
    path(
        "applications/<int:request_id>/accept/",
        application_views.decide,
        {"action": "accept"},
        name="application_accept",
    ),
    path(
        "applications/<int:request_id>/reject/",
        application_views.decide,
        {"action": "reject"},
        name="application_reject",
    ),
    path("<str:number>/download/", views.download, name="download"),
]
