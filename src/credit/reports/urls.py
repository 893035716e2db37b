from django.urls import path

from credit.reports import views

app_name = "reports"

urlpatterns = [
    path("subjects/<str:public_id>/report.pdf", views.public_report, name="public_report"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:number>", views.verify_number, name="verify_number"),
]
