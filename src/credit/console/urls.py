from django.urls import path

from credit.console import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.change_password, name="password"),
    path("upload/", views.upload, name="upload"),
    path("batches/", views.batch_list, name="batches"),
    path("subjects/<str:public_id>/", views.subject_profile, name="subject"),
    path("batches/<uuid:public_id>/", views.batch_detail, name="batch"),
    path("batches/<uuid:public_id>/status/", views.batch_status, name="batch_status"),
    path(
        "batches/<uuid:public_id>/report.xlsx",
        views.batch_report,
        {"fmt": "xlsx"},
        name="batch_report_xlsx",
    ),
    path(
        "batches/<uuid:public_id>/report.csv",
        views.batch_report,
        {"fmt": "csv"},
        name="batch_report_csv",
    ),
    path(
        "batches/<uuid:public_id>/error-rows/",
        views.batch_error_rows,
        name="batch_error_rows",
    ),
]
