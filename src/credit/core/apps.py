from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django_tasks_db.apps import TasksAppConfig


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


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks' database backend with Chinese names in the admin: the package's names
    are English and ship no Chinese translation."""

    verbose_name = "后台任务"

    def ready(self) -> None:
        super().ready()
        # Runtime names only: the migration state keeps the package's own Meta, so no
        # migration is made for the third-party app.
        result = self.get_model("DBTaskResult")
        result._meta.verbose_name = result._meta.verbose_name_plural = "任务结果"
