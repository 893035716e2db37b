"""Feedback on a credit check (反馈): whether each applicable measure was applied, and why.

Only the department that ran the check gives feedback on it. Feedback not given by the due
date (a configurable number of working days after the check) is overdue, and is listed for
that department and for the credit office.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from credit.audit.services import log_change
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.core.normalize import has_control_chars
from credit.measures.check_models import Feedback
from credit.measures.checks import get_check

MAX_TEXT = 2000


def _value(raw, key, default=None):
    if isinstance(raw, dict):
        return raw.get(key, default)
    return getattr(raw, key, default)


def give_feedback(actor: Actor, check_id: int, items: list, now=None) -> list[Feedback]:
    """Record feedback items {index | subject, measure, applied, reason, result}.

    `index` is the subject's position in the check, `subject` its public id; either
    identifies it. All items are validated before any is written. Giving feedback again
    replaces the earlier answer; the change log keeps both.
    """
    check = get_check(actor, check_id)
    if check.department_id != actor.department_id:
        raise PermissionDenied("只有发起核查的部门可以反馈措施实施情况")
    if not items:
        raise ServiceError("no_feedback", "请至少提供一条反馈")
    rows = {
        (f.check_subject.position, f.measure_code): f
        for f in Feedback.objects.filter(check_run=check).select_related("check_subject")
    }
    by_public_id = {}
    for index, item in enumerate(check.answer.get("items", [])):
        subject = item.get("subject")
        if subject:
            by_public_id.setdefault(subject["public_id"], index)
    chosen: list[tuple[Feedback, dict]] = []
    problems: list[str] = []
    for number, raw in enumerate(items, start=1):
        position = _value(raw, "index")
        public_id = _value(raw, "subject")
        if position is None and public_id:
            position = by_public_id.get(public_id)
        measure = (_value(raw, "measure") or "").strip()
        row = rows.get((position, measure))
        applied = _value(raw, "applied")
        reason = (_value(raw, "reason") or "").strip()
        result = (_value(raw, "result") or "").strip()
        if row is None:
            problems.append(f"第 {number} 条：本次核查中该主体不适用措施“{measure}”")
        elif applied is None:
            problems.append(f"第 {number} 条：请说明是否实施该措施")
        elif not applied and not reason:
            problems.append(f"第 {number} 条：未实施措施时必须说明理由")
        elif len(reason) > MAX_TEXT or len(result) > MAX_TEXT:
            problems.append(f"第 {number} 条：理由或结果超过 {MAX_TEXT} 字")
        elif has_control_chars(reason, multiline=True) or has_control_chars(result, multiline=True):
            # PostgreSQL refuses NUL in text: say so instead of failing on the save.
            problems.append(f"第 {number} 条：理由或结果不能包含控制字符")
        else:
            chosen.append((row, {"applied": bool(applied), "reason": reason, "result": result}))
    if problems:
        raise ServiceError("invalid_feedback", "；".join(problems[:20]))
    now = now or timezone.now()
    with transaction.atomic():
        for row, values in chosen:
            before = (
                {"applied": row.applied, "reason": row.reason, "result": row.result}
                if row.given_at
                else None
            )
            for key, value in values.items():
                setattr(row, key, value)
            row.given_at = now
            row.given_by = actor.label
            row.save(update_fields=["applied", "reason", "result", "given_at", "given_by"])
            log_change(
                actor,
                "check.feedback",
                "Feedback",
                row.pk,
                before=before,
                after={"check": check.pk, "measure": row.measure_code, **values},
            )
    return [row for row, _ in chosen]


def overdue_feedback(actor: Actor, today: dt.date | None = None) -> QuerySet[Feedback]:
    """Feedback past its due date and still not given: the credit office sees every
    department's, a department its own."""
    today = today or timezone.localdate()
    qs = Feedback.objects.filter(given_at__isnull=True, due_date__lt=today).select_related(
        "check_run", "check_subject", "department", "check_run__scenario"
    )
    if actor.is_credit_admin:
        return qs.order_by("due_date", "check_run_id", "id")
    if actor.department_id is None:
        return qs.none()
    return qs.filter(department_id=actor.department_id).order_by("due_date", "check_run_id", "id")
