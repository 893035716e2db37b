from django.urls import path

from credit.portal import objection_views, report_application_views

app_name = "applications"
urlpatterns = [
    path("objections/new/<str:token>/", objection_views.new_objection, name="new_objection"),
    path("applications/status/", objection_views.application_status, name="status"),
    path(
        "applications/status/report.pdf",
        report_application_views.status_report,
        name="status_report",
    ),
    path(
        "reports/special/apply/",
        report_application_views.new_special_report,
        name="new_special_report",
    ),
]
