from django.urls import path

from credit.lists import console_views as views

app_name = "lists_console"
urlpatterns = [
    path("", views.entry_list, name="index"),
    path("new/", views.new_entry, name="new"),
    path("enter/", views.enter_decided, name="enter"),
    path("<int:entry_id>/", views.entry_detail, name="detail"),
    path("<int:entry_id>/waiver-material/", views.waiver_material, name="waiver_material"),
    path("<int:entry_id>/<slug:action>/", views.entry_action, name="action"),
]
