from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "credit.measures"
    verbose_name = "联合奖惩"
