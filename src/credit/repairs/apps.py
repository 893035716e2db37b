from django.apps import AppConfig


class RepairsConfig(AppConfig):
    name = "credit.repairs"
    label = "repairs"
    verbose_name = "信用修复"
