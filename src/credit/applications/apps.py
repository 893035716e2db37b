from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    """Applications of subjects without an account (异议, later 信用修复 and 专项信用报告):
    tracking number and query code, applicant and agent, materials, steps with clocks."""

    name = "credit.applications"
    verbose_name = "申请受理"
