"""Feedback on a credit check (反馈): whether each applicable measure was applied, and why.

Only the department that ran the check gives feedback on it. Feedback not given by the due
date (a configurable number of working days after the check) is overdue, and is listed for
that department and for the credit office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from credit.accounts import permissions
from credit.audit.services import log_change
from credit.checks.models import CreditCheck, Feedback
from credit.checks.store import get_check
from credit.core.actors import Actor
from credit.core.deadlines import Clock
from credit.core.errors import PermissionDenied, ServiceError
from credit.core.normalize import has_control_chars

MAX_TEXT = 2000
FEEDBACK_ACTION = "check.feedback"
# Object ids per query: within SQLite's parameter limit.
HISTORY_CHUNK = 900
# A submission with hundreds of problems would give a message nobody reads to the end.
MAX_LISTED = 20

# How a message names the subject a feedback item is about: the API caller gave a 0-based
# `index` (or a `subject` public id), a console user sees the 1-based 序号 of the table.
NUMBERING_API = "index"
NUMBERING_CONSOLE = "position"


@dataclass(frozen=True)
class FeedbackProblem:
    """One refused feedback item: `number` is its 1-based place in the submission, `index`
    the subject's 0-based position in the check when known; `message` names both the row
    and the measure as the caller knows them, `problem` is the bare reason (for a page that
    shows it next to the row)."""

    number: int
    index: int | None
    measure: str
    message: str
    problem: str


class FeedbackRefused(ServiceError):
    """Feedback refused as a whole (nothing was written), with every item's problem."""

    def __init__(self, problems: list[FeedbackProblem]):
        shown = [p.message for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            shown.append(f"另有 {len(problems) - MAX_LISTED} 条反馈有问题，未逐条列出")
        super().__init__("invalid_feedback", "；".join(shown))
        self.problems = problems


def _value(raw, key, default=None):
    if isinstance(raw, dict):
        return raw.get(key, default)
    return getattr(raw, key, default)


def _row_name(index: int, numbering: str) -> str:
    return f"序号 {index + 1}" if numbering == NUMBERING_CONSOLE else f"index {index}"


def _range_text(count: int, numbering: str) -> str:
    if numbering == NUMBERING_CONSOLE:
        return f"1–{count}"
    return f"0–{count - 1}"


def give_feedback(
    actor: Actor, check_id: int, items: list, now=None, *, numbering: str = NUMBERING_API
) -> list[Feedback]:
    """Record feedback items {index | subject, measure, applied, reason, result}.

    `index` is the subject's position in the check, `subject` its public id; either
    identifies it. All items are validated before any is written; a refused submission
    raises FeedbackRefused naming each item's subject row and measure (`numbering` says
    whether the caller counts rows as the API does or as the console table shows them).

    Giving feedback again replaces the earlier answer; the change log keeps both. An item
    equal to the answer already given changes nothing and writes nothing (a console page
    posts every answer shown on it). Each returned row carries `changed`: whether this call
    wrote it.
    """
    check = get_check(actor, check_id)
    if not permissions.can_give_feedback(actor, check):
        raise PermissionDenied("只有发起核查的部门可以反馈措施实施情况")
    if not items:
        raise ServiceError("no_feedback", "请至少提供一条反馈")
    rows = {
        (f.check_subject.position, f.measure_code): f
        for f in Feedback.objects.filter(check_run=check).select_related("check_subject")
    }
    answer_items = check.answer.get("items", [])
    by_public_id = {}
    for index, item in enumerate(answer_items):
        subject = item.get("subject")
        if subject:
            by_public_id.setdefault(subject["public_id"], index)
    chosen: list[tuple[Feedback, dict]] = []
    problems: list[FeedbackProblem] = []
    seen: set[tuple[int, str]] = set()
    for number, raw in enumerate(items, start=1):
        position = _value(raw, "index")
        public_id = _value(raw, "subject")
        measure = str(_value(raw, "measure") or "").strip()

        def refuse(message: str, problem: str, index=None, measure=measure, number=number):
            problems.append(FeedbackProblem(number, index, measure, message, problem))

        if position is None and not public_id:
            if numbering == NUMBERING_CONSOLE:
                refuse(f"第 {number} 条反馈未指明主体", "未指明主体")
            else:
                refuse(f"第 {number} 条反馈缺少 index 或 subject", "缺少 index 或 subject")
            continue
        if position is not None:
            # bool is an int in Python; `True` is no position.
            if (
                isinstance(position, bool)
                or not isinstance(position, int)
                or not 0 <= position < len(answer_items)
            ):
                shown = position + 1 if numbering == NUMBERING_CONSOLE else position
                label = "序号" if numbering == NUMBERING_CONSOLE else "index"
                text = f"超出本次核查的主体范围（{_range_text(len(answer_items), numbering)}）"
                refuse(f"{label} {shown} {text}", text)
                continue
            who = _row_name(position, numbering)
        else:
            position = by_public_id.get(public_id)
            if position is None:
                text = "不是本次核查中匹配到的主体"
                refuse(f"subject {public_id} {text}", text)
                continue
            who = f"subject {public_id}"
        item = answer_items[position]
        if item.get("status") != "matched":
            text = "的主体未匹配，无需反馈"
            refuse(f"{who} {text}", "主体未匹配，无需反馈", position)
            continue
        subject = f"{who}（{item['subject']['name']}）"
        first = item.get("duplicate_of")
        if first is not None:
            # Feedback is owed once per subject, on the row where it first appears.
            shown = _row_name(first, numbering)
            text = f"与 {shown} 为同一主体，请在 {shown} 反馈"
            refuse(f"{subject}：{text}", text, position)
            continue
        if not measure:
            refuse(f"{subject}：缺少措施编码", "缺少措施编码", position)
            continue
        row = rows.get((position, measure))
        if row is None:
            text = f"该主体不适用措施“{measure}”"
            refuse(f"{subject}：{text}", text, position)
            continue
        where = f"{subject}措施“{measure}”"
        applied = _value(raw, "applied")
        reason = str(_value(raw, "reason") or "").strip()
        result = str(_value(raw, "result") or "").strip()
        text = None
        if (position, measure) in seen:
            text = "同一措施在本次提交中出现多次"
        elif applied is None:
            text = "请选择是否实施该措施"
        elif not applied and not reason:
            text = "未实施措施时必须说明理由"
        elif len(reason) > MAX_TEXT or len(result) > MAX_TEXT:
            text = f"理由或结果超过 {MAX_TEXT} 字"
        elif has_control_chars(reason, multiline=True) or has_control_chars(result, multiline=True):
            # PostgreSQL refuses NUL in text: say so instead of failing on the save.
            text = "理由或结果不能包含控制字符"
        seen.add((position, measure))
        if text:
            refuse(f"{where}：{text}", text, position)
        else:
            chosen.append((row, {"applied": bool(applied), "reason": reason, "result": result}))
    if problems:
        raise FeedbackRefused(problems)
    now = now or timezone.now()
    with transaction.atomic():
        for row, values in chosen:
            before = (
                {"applied": row.applied, "reason": row.reason, "result": row.result}
                if row.given_at
                else None
            )
            row.changed = before != values
            if not row.changed:
                continue
            for key, value in values.items():
                setattr(row, key, value)
            row.given_at = now
            row.given_by = actor.label
            row.save(update_fields=["applied", "reason", "result", "given_at", "given_by"])
            log_change(
                actor,
                FEEDBACK_ACTION,
                "Feedback",
                row.pk,
                before=before,
                after={"check": check.pk, "measure": row.measure_code, **values},
            )
    return [row for row, _ in chosen]


@dataclass(frozen=True)
class FeedbackAnswer:
    """One answer given to a feedback row, as the change log recorded it."""

    applied: bool | None
    reason: str
    result: str
    at: dt.datetime
    by: str


@dataclass(frozen=True)
class FeedbackHistory:
    """Every answer one feedback row was given, oldest first; the last is the current one."""

    answers: list[FeedbackAnswer]

    @property
    def changes(self) -> int:
        return len(self.answers) - 1

    @property
    def last(self) -> FeedbackAnswer:
        return self.answers[-1]

    @property
    def earlier(self) -> list[FeedbackAnswer]:
        """The replaced answers, newest first."""
        return self.answers[-2::-1]


def feedback_history(
    check: CreditCheck, positions: Iterable[int] | None = None
) -> dict[tuple[int, str], FeedbackHistory]:
    """Per (subject position, measure code), the answers given so far, read from the change
    log (the feedback row itself keeps only the current one). `positions` limits it to the
    subjects a page shows. The caller has already read `check` through `get_check`.

    Reads the audit app's change-log table directly: audit.queries offers only the auditors'
    filtered lists, and this is one indexed lookup by object id.
    """
    from credit.audit.models import ChangeLog

    given = Feedback.objects.filter(check_run=check, given_at__isnull=False)
    if positions is not None:
        given = given.filter(check_subject__position__in=list(positions))
    keys = {
        str(pk): (position, code)
        for pk, position, code in given.values_list("pk", "check_subject__position", "measure_code")
    }
    answers: dict[str, list[FeedbackAnswer]] = {}
    ids = sorted(keys)
    for start in range(0, len(ids), HISTORY_CHUNK):
        logs = (
            ChangeLog.objects.filter(
                action=FEEDBACK_ACTION,
                object_type="Feedback",
                object_id__in=ids[start : start + HISTORY_CHUNK],
            )
            .order_by("at", "id")
            .values_list("object_id", "at", "actor_label", "after")
        )
        for object_id, at, by, after in logs:
            after = after or {}
            answers.setdefault(object_id, []).append(
                FeedbackAnswer(
                    applied=after.get("applied"),
                    reason=after.get("reason", ""),
                    result=after.get("result", ""),
                    at=at,
                    by=by,
                )
            )
    return {keys[object_id]: FeedbackHistory(found) for object_id, found in answers.items()}


def overdue_feedback(actor: Actor, today: dt.date | None = None) -> QuerySet[Feedback]:
    """Feedback past its due date and still not given: the credit office sees every
    department's, a department its own."""
    today = today or timezone.localdate()
    qs = Feedback.objects.filter(
        Clock.breached_q("due_date", today), given_at__isnull=True
    ).select_related("check_run", "check_subject", "department", "check_run__scenario")
    if actor.is_credit_admin:
        return qs.order_by("due_date", "check_run_id", "id")
    if actor.department_id is None:
        return qs.none()
    return qs.filter(department_id=actor.department_id).order_by("due_date", "check_run_id", "id")
