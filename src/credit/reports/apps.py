from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "credit.reports"
    label = "reports"
    verbose_name = "信用报告"
    default_auto_field = "django.db.models.BigAutoField"
