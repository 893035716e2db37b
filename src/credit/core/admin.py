from django.contrib import admin
from django.contrib.auth.models import Group
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from credit.audit.adminlog import ChangeLoggedAdminMixin
from credit.core.models import CalendarYear, Holiday

# Roles are a field of the user (accounts.permissions), never Django groups: a group
# edited here would grant nothing and only mislead.
admin.site.unregister(Group)


@admin.register(Holiday)
class HolidayAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday", ("date", admin.DateFieldListFilter))
    date_hierarchy = "date"
    search_fields = ("name", "date")
    ordering = ("-date",)


@admin.register(CalendarYear)
class CalendarYearAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "note")
    search_fields = ("year", "note")
    ordering = ("-year",)


# django-tasks ships English names and no Chinese translation.
TASK_STATUS = {
    "READY": "等待执行",
    "RUNNING": "执行中",
    "FAILED": "失败",
    "SUCCESSFUL": "成功",
}
TASK_NAMES = {
    "process_batch": "处理归集批次",
    "prepare_reports": "生成批次报告",
    "purge_source_files_task": "清理过期源文件",
    "end_expired_windows_task": "公示期到期处理",
    "refresh_all_windows_task": "重新计算公示期",
    "expire_list_entries_task": "名单到期移出",
}


class TaskStatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(TASK_STATUS.items())

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(ChangeLoggedAdminMixin, DBTaskResultAdmin):
    """Read-only, as the package's own, with Chinese column names and states."""

    list_display = (
        "task_label",
        "status_label",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_label",
    )
    list_filter = (TaskStatusFilter, "priority")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return ["status_label" if name == "status" else name for name in fields]

    @admin.display(description="任务")
    def task_label(self, obj) -> str:
        name = obj.task_name
        return TASK_NAMES.get(name, name)

    @admin.display(description="队列")
    def queue_label(self, obj) -> str:
        return "默认队列" if obj.queue_name == "default" else obj.queue_name

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj) -> str:
        return TASK_STATUS.get(obj.status, obj.status)

    @admin.display(description="错误堆栈")
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description="计划执行时间")
    def display_run_after(self, obj):
        return super().display_run_after(obj)
