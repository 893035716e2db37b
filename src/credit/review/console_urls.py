from django.urls import path

from credit.review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("subjects/<str:public_id>/", views.compare, name="subject"),
    path("subjects/<str:public_id>/decide/", views.decide, name="decide"),
    path("names/<int:seen_id>/", views.decide_name, name="name"),
    path("merges/", views.history, name="history"),
    path("merges/<int:merge_id>/undo/", views.undo, name="undo"),
]
