from django.urls import path

from credit.repairs import console_views as views

app_name = "repairs_console"
urlpatterns = [
    path("", views.queue, name="index"),
    path("window/", views.window, name="window"),
    path("<str:tracking_number>/", views.detail, name="detail"),
    path("<str:tracking_number>/materials/<int:material_id>/", views.material, name="material"),
    path("<str:tracking_number>/<slug:action>/", views.act, name="act"),
]
