from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "credit.core"
    verbose_name = "基础配置"

    def ready(self) -> None:
        from credit.core import workdays
        from credit.core.models import CalendarYear, Holiday

        for model in (Holiday, CalendarYear):
            for signal in (post_save, post_delete):
                signal.connect(
                    workdays.reset_cache, sender=model, dispatch_uid=f"workdays-{model.__name__}"
                )
