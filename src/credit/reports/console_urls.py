from django.urls import path

from credit.reports import console_views as views

app_name = "reports_console"
urlpatterns = [
    path("", views.index, name="index"),
    path("special/", views.special, name="special"),
    path("<str:number>/download/", views.download, name="download"),
]
