from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "credit.supervision"
    label = "supervision"
    verbose_name = "分级分类监管"
    default_auto_field = "django.db.models.BigAutoField"
