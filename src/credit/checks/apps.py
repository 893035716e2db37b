from django.apps import AppConfig


class ChecksConfig(AppConfig):
    """Credit checks (信用核查): requests, hits and the feedback they expect (checks.models),
    beside the measure catalogue (measures) they apply."""

    name = "credit.checks"
    verbose_name = "信用核查"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from credit.checks.answer import forget_catalog
        from credit.lists.models import ListType
        from credit.measures.models import Measure, Scenario

        for model in (Scenario, Measure, ListType):
            post_save.connect(forget_catalog, sender=model, dispatch_uid=f"catalog_s_{model}")
            post_delete.connect(forget_catalog, sender=model, dispatch_uid=f"catalog_d_{model}")
        for through in (
            Measure.list_types.through,
            Measure.scenarios.through,
            Scenario.departments.through,
        ):
            m2m_changed.connect(forget_catalog, sender=through, dispatch_uid=f"catalog_m_{through}")
