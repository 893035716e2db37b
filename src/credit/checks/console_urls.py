from django.urls import path

from credit.checks import views

app_name = "checks"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.run_single, name="single"),
    path("batch/", views.run_batch, name="batch"),
    path("batch/template.xlsx", views.batch_template, name="batch_template"),
    path("overdue/", views.overdue, name="overdue"),
    path("stats/", views.statistics, name="stats"),
    path("<int:check_id>/", views.detail, name="detail"),
    path("<int:check_id>/export.xlsx", views.export, name="export"),
    path("<int:check_id>/feedback/", views.give_feedback, name="feedback"),
]
