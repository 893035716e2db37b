from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "credit.audit"
    verbose_name = "审计日志"
