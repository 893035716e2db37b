from django.urls import path

from credit.objections import views

app_name = "objections_console"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("window/", views.window, name="window"),
    path("<int:objection_id>/", views.detail, name="detail"),
    path(
        "<int:objection_id>/materials/<int:material_id>/",
        views.material,
        name="material",
    ),
    path("<int:objection_id>/<slug:action>/", views.act, name="act"),
]
