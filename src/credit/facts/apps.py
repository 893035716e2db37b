from django.apps import AppConfig


class FactsConfig(AppConfig):
    name = "credit.facts"
    verbose_name = "信用事实"
