from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "credit.collection"
    verbose_name = "数据归集"
