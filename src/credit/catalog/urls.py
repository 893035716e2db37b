from django.urls import path

from credit.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("<slug:code>/", views.dataset_dictionary, name="dictionary"),
    path("<slug:code>/template.xlsx", views.dataset_template, name="template"),
]
