from django.urls import path

from credit.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("subjects/<str:public_id>/", views.subject_profile, name="subject"),
    path(
        "publicity/licences/",
        views.publicity_list,
        {"dataset_code": "licence"},
        name="licences",
    ),
    path(
        "publicity/penalties/",
        views.publicity_list,
        {"dataset_code": "penalty"},
        name="penalties",
    ),
    path("publicity/records/<str:token>/", views.record_detail, name="record"),
    path("privacy/", views.privacy, name="privacy"),
    path("sitemap/", views.sitemap, name="sitemap"),
]
