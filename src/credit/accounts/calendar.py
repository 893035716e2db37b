"""Saving a year's holidays pasted from the 国务院办公厅 notice (parsed by core.holidays).

The calendar tables live in core (every app counts working days), but writing them is the
credit office's configuration: permission and change log sit above core in the layers, so
the write lives here with the office's other configuration (departments, users, clients).
"""

from __future__ import annotations

from django.db import transaction

from credit.accounts import permissions
from credit.audit.services import log_change
from credit.core import workdays
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.core.holidays import Notice
from credit.core.models import CalendarYear, Holiday


def _snapshot(rows) -> list[str]:
    return [f"{d.isoformat()} {'上班' if w else '放假'} {n}".rstrip() for d, w, n in rows]


def save_year(actor: Actor, notice: Notice, *, complete: bool = True) -> dict:
    """Replace the office's holiday entries of `notice.year` with the notice's days.

    A notice with problems is refused: a wrong calendar makes uploads late or on time by
    mistake. `complete` also declares the year entered (CalendarYear), so a year that
    chinese-calendar does not ship becomes known.
    """
    if not permissions.can_manage_calendar(actor):
        raise PermissionDenied("只有信用办管理员可以录入节假日安排")
    if notice.problems:
        raise ServiceError(
            "holiday_notice_invalid", "通知解析有误，请先修正：" + "；".join(notice.problems)
        )
    year = notice.year
    days = [d for d in notice.days if d.day.year == year]
    if not days:
        raise ServiceError("holiday_notice_empty", f"没有 {year} 年的日期可保存")
    with transaction.atomic():
        existing = Holiday.objects.select_for_update().filter(date__year=year).order_by("date")
        before = _snapshot(existing.values_list("date", "is_workday", "name"))
        existing.delete()
        Holiday.objects.bulk_create(
            Holiday(date=d.day, is_workday=d.is_workday, name=d.name) for d in days
        )
        declared = False
        if complete:
            _year, declared = CalendarYear.objects.get_or_create(
                year=year, defaults={"note": "依据国务院办公厅节假日安排通知录入"}
            )
        after = _snapshot((d.day, d.is_workday, d.name) for d in days)
        log_change(
            actor,
            "calendar.year_entered",
            "CalendarYear",
            year,
            before={"entries": before},
            after={"entries": after, "year_complete": complete},
        )
    # bulk_create and delete send no per-row signals: forget this process's calendar now
    # (other processes revalidate within workdays.REVALIDATE_SECONDS).
    workdays.reset_cache()
    return {
        "year": year,
        "holidays": sum(not d.is_workday for d in days),
        "workdays": sum(d.is_workday for d in days),
        "replaced": len(before),
        "year_declared": declared,
    }
