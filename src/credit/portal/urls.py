from django.urls import path

from credit.portal import repair_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("subjects/<str:public_id>/", views.subject_profile, name="subject"),
    path("publicity/", views.publicity_index, name="publicity_index"),
    path("publicity/records/<str:token>/", views.record_detail, name="record"),
    path("publicity/records/<str:token>/repair/", repair_views.repair_check, name="repair"),
    path(
        "publicity/records/<str:token>/repair/apply/",
        repair_views.apply_for_repair,
        name="repair_apply",
    ),
    # Every 社会公开 dataset by its code; or its older alias
    # (/publicity/penalties/), the address the site links to.
    path("publicity/<slug:dataset_code>/", views.publicity_list, name="publicity"),
    path("privacy/", views.privacy, name="privacy"),
    # 信用承诺公示: the commitment dataset's public list under the address the site links to.
    path("commitments/", views.commitments, name="commitments"),
    path("sitemap/", views.sitemap, name="sitemap"),
]
