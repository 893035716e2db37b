from django.urls import path

from credit.portal import objection_views

app_name = "applications"
urlpatterns = [
    path("objections/new/<str:token>/", objection_views.new_objection, name="new_objection"),
    path("applications/status/", objection_views.application_status, name="status"),
]
