from django.urls import path

from credit.portal import list_views as views
from credit.portal import repair_views

# The namespace the pages had in lists, so every {% url "lists:..." %} keeps working.
app_name = "lists"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.list_detail, name="detail"),
    path("<slug:code>/entries/<str:token>/repair/", views.entry_repair_check, name="entry_repair"),
    path(
        "<slug:code>/entries/<str:token>/repair/apply/",
        repair_views.apply_for_repair,
        name="entry_repair_apply",
    ),
]
