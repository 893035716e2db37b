"""Admin pages of platform tables that are not an app's own: the working-day calendar
(core's tables, the credit office's configuration) and django-tasks' results. Registered
here, not in core, because their writes are permission-checked and change-logged, which
core, at the bottom of the layers, cannot do."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from credit.accounts import calendar, permissions
from credit.audit.adminlog import ChangeLoggedAdminMixin
from credit.core import holidays
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.core.forms import SafeInputMixin
from credit.core.models import CalendarYear, Holiday

# Roles are a field of the user (accounts.permissions), never Django groups: a group
# edited here would grant nothing and only mislead.
admin.site.unregister(Group)


class NoticePasteForm(SafeInputMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    text = forms.CharField(
        label="通知正文",
        max_length=holidays.MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        help_text="粘贴国务院办公厅《关于某年部分节假日安排的通知》正文，"
        "含“一、元旦：……”起的各条；日期旁的（周X）用于核对年份。",
    )
    complete = forms.BooleanField(
        label="确认该年度节假日已完整录入",
        required=False,
        initial=True,
        help_text="勾选后该年度计入“已维护年度”，系统据此计算该年的工作日。",
    )


@admin.register(Holiday)
class HolidayAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday", ("date", admin.DateFieldListFilter))
    date_hierarchy = "date"
    search_fields = ("name", "date")
    ordering = ("-date",)
    change_list_template = "admin/core/holiday/change_list.html"

    def get_urls(self):
        paste = path(
            "paste/", self.admin_site.admin_view(self.paste_view), name="core_holiday_paste"
        )
        return [paste, *super().get_urls()]

    def _may_paste(self, request) -> bool:
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and self.has_delete_permission(request)
            and permissions.can_manage_calendar(Actor.for_user(request.user))
        )

    def paste_view(self, request):
        """粘贴通知录入全年: parse, preview, then save only what the text says (re-parsed)."""
        if not self._may_paste(request):
            raise PermissionDenied
        notice = None
        if request.method == "POST":
            form = NoticePasteForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                notice = holidays.parse_notice(data["text"], data["year"])
                if "save" in request.POST and not notice.problems:
                    actor = Actor.for_user(request.user, getattr(request, "request_id", ""))
                    try:
                        saved = calendar.save_year(actor, notice, complete=data["complete"])
                    except ServiceError as exc:
                        form.add_error(None, exc.message)
                    else:
                        messages.success(
                            request,
                            f"已保存 {saved['year']} 年节假日安排：放假 {saved['holidays']} 天，"
                            f"调休上班 {saved['workdays']} 天"
                            + (f"（替换原有 {saved['replaced']} 条）" if saved["replaced"] else "")
                            + ("，并确认该年度已完整录入" if data["complete"] else ""),
                        )
                        url = reverse("admin:core_holiday_changelist")
                        return redirect(f"{url}?date__year={saved['year']}")
        else:
            today = timezone.localdate()
            # From the notice's usual publication (November) on, next year is the one to enter.
            form = NoticePasteForm(initial={"year": today.year + (today.month >= 10)})
        existing = (
            Holiday.objects.filter(date__year=notice.year).count() if notice is not None else 0
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "粘贴通知录入全年节假日",
            "form": form,
            "notice": notice,
            "existing": existing,
            "year_known": (
                notice is not None and CalendarYear.objects.filter(year=notice.year).exists()
            ),
        }
        return TemplateResponse(request, "admin/core/holiday/paste.html", context)


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
