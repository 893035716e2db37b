from django.apps import AppConfig


class ObjectionsConfig(AppConfig):
    """信用信息异议: a subject disputes a public or shared fact about it; while accepted and
    open the fact carries the 异议标注 (the kernel's dispute facet)."""

    name = "credit.objections"
    verbose_name = "信用信息异议"
