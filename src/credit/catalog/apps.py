from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "credit.catalog"
    verbose_name = "信息目录"
