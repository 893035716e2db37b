from django.urls import path

from credit.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:draw_id>/", views.detail, name="detail"),
    path("<int:draw_id>/export.xlsx", views.export_xlsx, name="export"),
]
