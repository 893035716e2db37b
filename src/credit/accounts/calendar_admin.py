"""The working-day calendar in the admin (core's tables, the credit office's configuration:
registered here because its writes are permission-checked and change-logged, which core,
at the bottom of the layers, cannot do)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from credit.accounts import calendar, permissions
from credit.core import holidays
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.core.forms import SafeInputMixin
from credit.core.models import CalendarYear, Holiday


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
class HolidayAdmin(admin.ModelAdmin):
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
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "note")
    search_fields = ("year", "note")
    ordering = ("-year",)
