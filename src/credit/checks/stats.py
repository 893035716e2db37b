"""Monthly statistics of credit checks per department (the credit office's oversight).

Counted from the stored checks and their feedback rows: checks, subjects checked, subjects
with a hit, measures expected and applied, feedback rate and overdue feedback.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from credit.accounts.models import Department
from credit.checks.models import CreditCheck, Feedback
from credit.core.actors import Actor
from credit.core.deadlines import Clock
from credit.core.errors import ServiceError
from credit.core.forms import DATE_MAX

_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


def parse_month(text: str | None) -> dt.date:
    """First day of the month `YYYY-MM`; the current month when empty."""
    if not text:
        return timezone.localdate().replace(day=1)
    match = _MONTH.match(text.strip())
    # Up to the last year dates are accepted in (9999-12 would overflow the month's end).
    if (
        not match
        or not 1 <= int(match.group(2)) <= 12
        or not 2000 <= int(match.group(1)) <= DATE_MAX.year
    ):
        raise ServiceError("invalid_month", "月份格式应为 YYYY-MM，例如 2026-03")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    start = dt.datetime.combine(month, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(following, dt.time.min, tzinfo=zone)


def monthly_stats(actor: Actor, month: dt.date, today: dt.date | None = None) -> dict:
    """Per department, for checks made in `month`. A department sees only its own row."""
    today = today or timezone.localdate()
    start, end = _bounds(month)
    checks = CreditCheck.objects.filter(created_at__gte=start, created_at__lt=end)
    feedback = Feedback.objects.filter(
        check_run__created_at__gte=start, check_run__created_at__lt=end
    )
    if not actor.is_credit_admin:
        checks = checks.filter(department_id=actor.department_id)
        feedback = feedback.filter(check_run__department_id=actor.department_id)
    per_check = {
        row["department_id"]: row
        for row in checks.values("department_id").annotate(
            checks=Count("id"),
            subjects=Sum("subject_count"),
            hits=Sum("hit_count"),
            expected=Sum("measure_count"),
        )
    }
    per_feedback = {
        row["check_run__department_id"]: row
        for row in feedback.values("check_run__department_id").annotate(
            given=Count("id", filter=Q(given_at__isnull=False)),
            applied=Count("id", filter=Q(applied=True)),
            overdue=Count(
                "id", filter=Q(given_at__isnull=True) & Clock.breached_q("due_date", today)
            ),
        )
    }
    names = dict(
        Department.objects.filter(id__in=[d for d in per_check if d]).values_list("id", "name")
    )
    rows = []
    for department_id, row in per_check.items():
        fb = per_feedback.get(department_id, {})
        expected = row["expected"] or 0
        given = fb.get("given", 0)
        rows.append(
            {
                "department": names.get(department_id, "（未关联部门）"),
                "checks": row["checks"],
                "subjects": row["subjects"] or 0,
                "hits": row["hits"] or 0,
                "measures_expected": expected,
                "measures_applied": fb.get("applied", 0),
                "feedback_given": given,
                "feedback_rate": round(given / expected, 4) if expected else None,
                "overdue": fb.get("overdue", 0),
            }
        )
    rows.sort(key=lambda r: (-r["checks"], r["department"]))
    totals = {
        key: sum(r[key] for r in rows)
        for key in (
            "checks",
            "subjects",
            "hits",
            "measures_expected",
            "measures_applied",
            "feedback_given",
            "overdue",
        )
    }
    expected = totals["measures_expected"]
    totals["feedback_rate"] = round(totals["feedback_given"] / expected, 4) if expected else None
    return {"month": month.strftime("%Y-%m"), "departments": rows, "totals": totals}
