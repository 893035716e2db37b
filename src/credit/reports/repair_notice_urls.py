from django.urls import path

from credit.reports import repair_notice_views as views

app_name = "repair_notice"
urlpatterns = [
    path("record/<int:record_id>/", views.record_notice, name="record"),
    path("entry/<int:entry_id>/", views.entry_notice, name="entry"),
]
