from django.urls import path

from credit.console import record_views as views

app_name = "dept_records"
urlpatterns = [
    path("", views.record_list, name="index"),
    path("<int:record_id>/", views.record_detail, name="detail"),
    path("<int:record_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:record_id>/correct/", views.correct, name="correct"),
]
