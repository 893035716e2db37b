"""django-tasks' database backend, installed with Chinese names for the admin.

In a module of its own: Django picks an app's config from its `apps` module only when that
module defines exactly one (core's own)."""

from django_tasks_db.apps import TasksAppConfig


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
