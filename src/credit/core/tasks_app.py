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
        for name, label in TASK_FIELDS.items():
            result._meta.get_field(name).verbose_name = label


TASK_FIELDS = {
    "id": "任务编号",
    "status": "状态",
    "enqueued_at": "入队时间",
    "started_at": "开始时间",
    "finished_at": "结束时间",
    "args_kwargs": "参数",
    "priority": "优先级",
    "task_path": "任务路径",
    "worker_ids": "执行进程",
    "queue_name": "队列",
    "backend_name": "后端",
    "run_after": "计划执行时间",
    "return_value": "返回值",
    "exception_class_path": "异常类型",
    "traceback": "错误堆栈",
}
