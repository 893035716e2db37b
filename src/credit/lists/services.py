"""Every write to list entries: the 告知 → 陈述申辩 → 决定 → 公开 → 移出 procedure.

Each step checks who acts (the recognising department or the credit office), refuses an
illegal transition with a Chinese message, and leaves a ListEntryEvent plus a change-log
row, so the procedure of any entry can be shown step by step.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from credit.accounts import permissions
from credit.audit.services import log_access, log_change
from credit.collection.staging import new_public_id
from credit.core import deadlines, fieldcrypto, periods
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.core.masking import mask_id_number
from credit.core.normalize import doc_key, name_key
from credit.facts import LIST_ENTRY, transitions
from credit.lists import exposure, materials, queries
from credit.lists.models import (
    IN_FORCE_STATES,
    EntryState,
    ListEntry,
    ListEntryEvent,
    ListType,
    RemovalKind,
    Source,
)
from credit.subjects.models import Subject, SubjectKind

EXPIRY_ACTOR_LABEL = "名单期满自动移出"


# --- helpers -----------------------------------------------------------------------------


def period_end_for(start: dt.date, months: int | None) -> dt.date | None:
    """Last day of a list period of `months` that starts on (and includes) `start`.

    One definition for the console and the import path (core.periods): three years from
    2026-12-05 end on 2029-12-04.
    """
    return periods.period_end_or_none(start, months)


def _today() -> dt.date:
    return timezone.localdate()


def can_act(actor: Actor, department_id: int | None) -> bool:
    """The recognising department, the credit office and credit admins may act."""
    return permissions.can_act_on_list(actor, department_id)


def _require(actor: Actor, department_id: int | None) -> None:
    if not can_act(actor, department_id):
        raise PermissionDenied("只有认定部门或信用主管部门可以办理该名单事项")


def _snapshot(entry: ListEntry) -> dict:
    def iso(value):
        return value.isoformat() if value else None

    return {
        "list_type": entry.list_type.code,
        "subject_id": entry.subject_id,
        "state": entry.state,
        "notice_number": entry.notice_number,
        "statement_deadline": iso(entry.statement_deadline),
        "statement_waived": entry.statement_waived,
        "statement_waived_on": iso(entry.statement_waived_on),
        "statement_waiver_number": entry.statement_waiver_number,
        "statement_waiver_file_name": entry.statement_waiver_file_name,
        "decision_number": entry.decision_number,
        "decision_date": iso(entry.decision_date),
        "period_start": iso(entry.period_start),
        "period_end": iso(entry.period_end),
        "published_on": iso(entry.published_on),
        "removed_on": iso(entry.removed_on),
        "removal_kind": entry.removal_kind,
    }


def _record(
    actor: Actor,
    entry: ListEntry,
    action: str,
    from_state: str,
    on: dt.date,
    note: str = "",
    before: dict | None = None,
) -> None:
    transitions.apply(
        actor,
        LIST_ENTRY,
        _event_action(action),
        fact_ids=[entry.pk],
        subject_ids=[entry.subject_id],
        history=lambda: ListEntryEvent.objects.create(
            entry=entry,
            from_state=from_state,
            to_state=entry.state,
            action=action,
            on=on,
            actor_label=actor.label,
            note=note,
        ),
        log=transitions.ChangeLog(
            f"list_entry.{action}", "ListEntry", entry.pk, before, _snapshot(entry)
        ),
    )


# The outbox action of each procedure step (the others are `changed`).
_EVENT_ACTIONS = {
    "decide": transitions.Action.ENTERED,
    "enter_decided": transitions.Action.ENTERED,
    "import": transitions.Action.ENTERED,
    "publish": transitions.Action.PUBLISHED,
    "withdraw": transitions.Action.WITHDRAWN,
    "restore_repair": transitions.Action.ENTERED,
}


def _event_action(action: str) -> str:
    if action == f"remove_{RemovalKind.REPAIR}":
        return transitions.Action.REPAIRED
    if action.startswith("remove_"):
        return transitions.Action.REMOVED
    return _EVENT_ACTIONS.get(action, transitions.Action.CHANGED)


def _lock(entry: ListEntry | int) -> ListEntry:
    pk = getattr(entry, "pk", entry)
    try:
        return ListEntry.objects.select_for_update().select_related("list_type").get(pk=pk)
    except ListEntry.DoesNotExist:
        raise ServiceError("list_entry_not_found", "名单条目不存在", status=404) from None


def _sync(original: ListEntry | int, fresh: ListEntry) -> ListEntry:
    """Let a caller holding the old instance see the new state too."""
    if isinstance(original, ListEntry) and original is not fresh:
        original.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    return fresh


def _not_future(day: dt.date, label: str) -> None:
    if day > _today():
        raise ServiceError("date_in_future", f"{label}不能晚于今天")


def _text(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError("required", f"请填写{label}")
    return value


def _entry_department(actor: Actor, list_type: ListType, department_id: int | None) -> int | None:
    """The department recognising this entry: the list's own, else the one acting for it."""
    if list_type.department_id:
        return list_type.department_id
    return department_id or actor.department_id


def _resolve_period(
    list_type: ListType, start: dt.date, period_end: dt.date | None
) -> dt.date | None:
    if period_end is None:
        return period_end_for(start, list_type.default_period_months)
    if period_end < start:
        raise ServiceError("period_invalid", "有效期截止日不能早于有效期起始日")
    if list_type.max_period_months:
        longest = period_end_for(start, list_type.max_period_months)
        if period_end > longest:
            raise ServiceError(
                "period_too_long",
                f"“{list_type.name}”列入期限最长 {list_type.max_period_months} 个月"
                f"（至 {longest.isoformat()}）",
            )
    return period_end


def _check_not_listed(list_type: ListType, subject_id: int, today: dt.date) -> None:
    open_entries = ListEntry.objects.filter(list_type=list_type, subject_id=subject_id)
    if open_entries.filter(state=EntryState.NOTIFIED).exists():
        raise ServiceError("list_entry_pending", "该主体已在此名单的认定程序中，请勿重复告知")
    if open_entries.filter(queries.in_force(today)).exists():
        raise ServiceError("list_entry_in_force", "该主体已列入此名单且仍在有效期内")


def _check_decision_key(list_type: ListType, key: str, exclude_pk: int | None = None) -> None:
    clash = ListEntry.objects.filter(list_type=list_type, decision_key=key)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ServiceError("decision_number_taken", "该名单已有相同文号的列入决定")


# --- the subject an entry is about -----------------------------------------------------------

# Sole traders without a code are identified by their operator's ID number; the blind index
# gets a prefix so the business never collides with the operator as a natural person
# (linking prefixes other certificate types the same way: "<type>:<number>").
SOLE_TRADER_ID_PREFIX = "个体工商户经营者"


def _id_key(kind: str, number: str) -> str:
    return f"{SOLE_TRADER_ID_PREFIX}:{number}" if kind == SubjectKind.SOLE_TRADER else number


@transaction.atomic
def subject_for_entry(
    actor: Actor, kind: str, uscc: str = "", id_number: str = "", name: str = ""
) -> Subject:
    """The subject a console entry names: by USCC, or (persons, sole traders without a code)
    by ID number, registering it when the platform does not know it yet.

    The ID number is stored only as SM4 ciphertext plus its HMAC blind index, exactly as
    the import path (subjects/linking) stores persons; it never reaches a log.
    """
    if uscc:
        subject = Subject.objects.filter(uscc=uscc).first()
        if subject is None:
            raise ServiceError("subject_not_found", "未找到该统一社会信用代码对应的信用主体")
        return subject
    if not id_number:
        raise ServiceError("subject_id_required", "请填写统一社会信用代码或身份证号码")
    digest = fieldcrypto.id_digest(_id_key(kind, id_number))
    subject = Subject.objects.filter(id_digest=digest).first()
    if subject is not None:
        return subject
    name = (name or "").strip()
    if not name:
        raise ServiceError(
            "subject_name_required",
            "平台尚无该身份证号码对应的信用主体，请填写"
            + ("姓名" if kind == SubjectKind.PERSON else "个体工商户名称"),
        )
    subject = Subject.objects.create(
        public_id=new_public_id(),
        kind=kind,
        name=name,
        name_norm=name_key(name),
        id_cipher=fieldcrypto.encrypt_id(id_number),
        id_digest=digest,
        region_code=id_number[:6],
    )
    log_change(
        actor,
        "subject.create",
        "Subject",
        subject.pk,
        None,
        # The ID number stays out of the change log, masked or not: its digest identifies it.
        {"kind": kind, "name": name, "public_id": subject.public_id, "source": "名单管理"},
    )
    return subject


def masked_id_number(actor: Actor, subject: Subject, purpose: str) -> str:
    """The subject's ID number masked for a page, the read written to the access log."""
    if not subject.id_cipher:
        return ""
    log_access(actor, "subjects.id_number", purpose, subject.pk, subject.name)
    try:
        return mask_id_number(fieldcrypto.decrypt_id(subject.id_cipher))
    except fieldcrypto.FieldCryptoError:
        return "（无法解密）"


# --- the procedure's state machine ---------------------------------------------------------

# Console action → the states it may start from; `allowed_actions` adds the conditions that
# depend on the entry's own data. Services refuse what it does not allow, and the console
# shows exactly the actions it allows.
ACTION_STATES = {
    "statement": (EntryState.NOTIFIED,),
    "waive": (EntryState.NOTIFIED,),
    "decide": (EntryState.NOTIFIED,),
    "withdraw": (EntryState.NOTIFIED,),
    "publish": (EntryState.DECIDED,),
    "remove": IN_FORCE_STATES,
}


def allowed_actions(entry: ListEntry, today: dt.date | None = None) -> list[str]:
    """The procedure steps `entry` may take next, in procedure order."""
    day = today or _today()
    allowed = []
    for action, states in ACTION_STATES.items():
        if entry.state not in states:
            continue
        if action in ("statement", "waive") and entry.statement_waived:
            continue  # a written waiver closes the statement step
        # No decision date can fall after the window before the window has passed.
        window_open = entry.statement_deadline is not None and day <= entry.statement_deadline
        if action == "decide" and not entry.statement_waived and window_open:
            continue
        if action == "publish" and entry.period_end is not None and day > entry.period_end:
            continue
        allowed.append(action)
    return allowed


def _ensure_allowed(entry: ListEntry, action: str, today: dt.date | None = None) -> None:
    if action not in allowed_actions(entry, today):
        raise ServiceError(
            "action_not_allowed", f"当前状态为“{entry.get_state_display()}”，不能办理该事项"
        )


# --- 告知 ---------------------------------------------------------------------------------


@transaction.atomic
def notify(
    actor: Actor,
    list_type: ListType,
    subject,
    notice_number: str,
    notice_date: dt.date,
    reasons: str,
    served_how: str = "",
) -> ListEntry:
    """Serve the notice of intended listing; the statement window starts the next working day."""
    if not list_type.active:
        raise ServiceError("list_type_inactive", f"名单“{list_type.name}”已停用")
    department_id = _entry_department(actor, list_type, None)
    _require(actor, list_type.department_id)
    notice_number = _text(notice_number, "告知书文号")
    reasons = _text(reasons, "拟列入理由")
    _not_future(notice_date, "告知日期")
    _check_not_listed(list_type, subject.pk, _today())
    entry = ListEntry.objects.create(
        list_type=list_type,
        subject=subject,
        department_id=department_id,
        state=EntryState.NOTIFIED,
        source=Source.CONSOLE,
        notice_number=notice_number,
        notice_date=notice_date,
        notice_served_how=(served_how or "").strip(),
        reasons=reasons,
        statement_deadline=deadlines.due_date(notice_date, list_type.statement_workdays),
    )
    _record(
        actor,
        entry,
        "notify",
        "",
        notice_date,
        f"告知书 {notice_number}，陈述申辩截止 {entry.statement_deadline.isoformat()}",
    )
    return entry


# --- 陈述申辩 -----------------------------------------------------------------------------


@transaction.atomic
def record_statement(actor: Actor, entry: ListEntry | int, text: str, answer: str) -> ListEntry:
    """Record the party's statement and the department's verified answer."""
    fresh = _lock(entry)
    _require(actor, fresh.department_id)
    if fresh.state != EntryState.NOTIFIED:
        raise ServiceError("statement_closed", "已作出决定或程序已结束，不能再登记陈述申辩")
    if fresh.statement_waived:
        raise ServiceError("statement_waived", "当事人已书面放弃陈述申辩，不能再登记陈述申辩意见")
    _ensure_allowed(fresh, "statement")
    before = _snapshot(fresh)
    fresh.statement_text = _text(text, "陈述申辩意见")
    fresh.statement_answer = _text(answer, "核实答复")
    fresh.statement_recorded_at = timezone.now()
    fresh.save()
    _record(actor, fresh, "statement", fresh.state, _today(), fresh.statement_text, before)
    return _sync(entry, fresh)


@transaction.atomic
def waive_statement(
    actor: Actor,
    entry: ListEntry | int,
    waived_on: dt.date | None,
    document_number: str = "",
    document=None,
) -> ListEntry:
    """The party declared in writing that it will not object: a decision may follow at once.

    The declaration is dated and proven by its document (a number, an uploaded scan, or
    both); the scan is stored encrypted with the entry's materials, never published.
    """
    fresh = _lock(entry)
    _require(actor, fresh.department_id)
    if fresh.state != EntryState.NOTIFIED:
        raise ServiceError("statement_closed", "已作出决定或程序已结束，不能再放弃陈述申辩")
    if fresh.statement_waived:
        raise ServiceError("statement_already_waived", "当事人已放弃陈述申辩")
    _ensure_allowed(fresh, "waive")
    if waived_on is None:
        raise ServiceError("required", "请填写书面放弃陈述申辩的日期")
    if waived_on < fresh.notice_date:
        raise ServiceError("waiver_before_notice", "书面放弃陈述申辩的日期不能早于告知日期")
    _not_future(waived_on, "书面放弃陈述申辩的日期")
    number = (document_number or "").strip()
    if not number and document is None:
        raise ServiceError(
            "waiver_document_required", "请填写放弃陈述申辩书的文号，或上传书面放弃材料"
        )
    if document is not None:
        materials.check_upload(document)
    before = _snapshot(fresh)
    fresh.statement_waived = True
    fresh.statement_waived_on = waived_on
    fresh.statement_waiver_number = number
    if document is not None:
        fresh.statement_waiver_file = materials.store(fresh.pk, document)
        fresh.statement_waiver_file_name = Path(document.name).name[:255]
    fresh.save()
    proof = "，".join(
        part
        for part in (
            f"文号 {number}" if number else "",
            "已上传书面材料" if document is not None else "",
        )
        if part
    )
    _record(
        actor,
        fresh,
        "waive_statement",
        fresh.state,
        waived_on,
        f"当事人书面放弃陈述申辩（{proof}）",
        before,
    )
    return _sync(entry, fresh)


@transaction.atomic
def withdraw(actor: Actor, entry: ListEntry | int, reason: str) -> ListEntry:
    """Decide not to list after the statement (不予列入); ends the procedure."""
    fresh = _lock(entry)
    _require(actor, fresh.department_id)
    if fresh.state != EntryState.NOTIFIED:
        raise ServiceError("withdraw_not_allowed", "只有尚未作出决定的条目可以不予列入")
    _ensure_allowed(fresh, "withdraw")
    before = _snapshot(fresh)
    fresh.state = EntryState.WITHDRAWN
    fresh.removal_reason = _text(reason, "不予列入理由")
    fresh.save()
    _record(actor, fresh, "withdraw", EntryState.NOTIFIED, _today(), fresh.removal_reason, before)
    return _sync(entry, fresh)


# --- 决定 ---------------------------------------------------------------------------------


@transaction.atomic
def decide(
    actor: Actor,
    entry: ListEntry | int,
    decision_number: str,
    decision_date: dt.date,
    facts: str,
    basis: str,
    period_end: dt.date | None = None,
    measures_note: str = "",
) -> ListEntry:
    """Record the written decision; the period runs from the decision date."""
    fresh = _lock(entry)
    _require(actor, fresh.department_id)
    if fresh.state != EntryState.NOTIFIED:
        raise ServiceError(
            "decide_not_allowed", f"当前状态为“{fresh.get_state_display()}”，不能作出列入决定"
        )
    if not fresh.statement_waived and deadlines.Clock(fresh.statement_deadline).open_on(
        decision_date
    ):
        raise ServiceError(
            "statement_window_open",
            f"陈述申辩期至 {fresh.statement_deadline.isoformat()} 届满，"
            "届满后方可作出决定（当事人书面放弃的除外）",
        )
    if decision_date < fresh.notice_date:
        raise ServiceError("decision_before_notice", "决定日期不能早于告知日期")
    if fresh.statement_waived_on and decision_date < fresh.statement_waived_on:
        raise ServiceError("decision_before_waiver", "决定日期不能早于当事人书面放弃陈述申辩的日期")
    _not_future(decision_date, "决定日期")
    number = _text(decision_number, "决定书文号")
    _check_decision_key(fresh.list_type, doc_key(number), fresh.pk)
    _ensure_allowed(fresh, "decide", decision_date)
    before = _snapshot(fresh)
    fresh.decision_number = number
    fresh.decision_key = doc_key(number)
    fresh.decision_date = decision_date
    fresh.facts = _text(facts, "认定事实")
    fresh.basis = _text(basis, "认定依据")
    fresh.measures_note = (measures_note or "").strip()
    fresh.period_start = decision_date
    fresh.period_end = _resolve_period(fresh.list_type, decision_date, period_end)
    fresh.state = EntryState.DECIDED
    fresh.save()
    _record(actor, fresh, "decide", EntryState.NOTIFIED, decision_date, number, before)
    return _sync(entry, fresh)


# --- 公开 ---------------------------------------------------------------------------------


@transaction.atomic
def publish(actor: Actor, entry: ListEntry | int, on: dt.date | None = None) -> ListEntry:
    fresh = _lock(entry)
    _require(actor, fresh.department_id)
    on = on or _today()
    if fresh.state == EntryState.PUBLISHED:
        raise ServiceError("already_published", "该条目已公开")
    if fresh.state != EntryState.DECIDED:
        raise ServiceError("publish_not_allowed", "尚未作出列入决定，不能公开")
    if on < fresh.decision_date:
        raise ServiceError("publish_before_decision", "公开日期不能早于决定日期")
    _not_future(on, "公开日期")
    if fresh.period_end is not None and on > fresh.period_end:
        raise ServiceError("period_ended", "列入期限已届满，不能公开")
    _ensure_allowed(fresh, "publish", on)
    before = _snapshot(fresh)
    fresh.state = EntryState.PUBLISHED
    fresh.published_on = on
    fresh.save()
    _record(actor, fresh, "publish", EntryState.DECIDED, on, "", before)
    return _sync(entry, fresh)


# --- 移出 ---------------------------------------------------------------------------------


def _check_removable(fresh: ListEntry, on: dt.date, kind: str) -> None:
    if fresh.state == EntryState.REMOVED:
        raise ServiceError("already_removed", "该条目已移出，不能重复移出")
    if fresh.state not in IN_FORCE_STATES:
        raise ServiceError(
            "remove_not_allowed", f"当前状态为“{fresh.get_state_display()}”，不能移出"
        )
    if on < fresh.decision_date:
        raise ServiceError("remove_before_decision", "移出日期不能早于决定日期")
    _not_future(on, "移出日期")
    if kind not in (RemovalKind.APPLICATION, RemovalKind.REPAIR):
        return
    list_type = fresh.list_type
    expired = fresh.period_end is not None and on > fresh.period_end
    if expired:
        return
    if not list_type.early_removal_allowed:
        raise ServiceError("early_removal_not_allowed", f"“{list_type.name}”不适用申请提前移出")
    if list_type.early_removal_after_months:
        # "列入满 N 个月": the day after the first N months of the period have run.
        earliest = (
            periods.period_end(fresh.period_start, list_type.early_removal_after_months)
            + periods.ONE_DAY
        )
        if on < earliest:
            raise ServiceError(
                "early_removal_too_soon",
                f"列入满 {list_type.early_removal_after_months} 个月后方可申请提前移出"
                f"（{earliest.isoformat()} 起）",
            )


@transaction.atomic
def remove(
    actor: Actor,
    entry: ListEntry | int,
    reason: str,
    on: dt.date | None = None,
    kind: str = RemovalKind.APPLICATION,
) -> ListEntry:
    """Take an entry off its list on a decided application (or a revoked decision)."""
    fresh = _lock(entry)
    _require(actor, fresh.department_id)
    on = on or _today()
    if kind not in RemovalKind.values:
        raise ServiceError("removal_kind_invalid", "未知的移出方式")
    _check_removable(fresh, on, kind)
    _ensure_allowed(fresh, "remove", on)
    reason = _text(reason, "移出理由")
    return _sync(entry, _mark_removed(actor, fresh, on, kind, reason))


def _mark_removed(actor: Actor, fresh: ListEntry, on: dt.date, kind: str, reason: str):
    before = _snapshot(fresh)
    from_state = fresh.state
    fresh.state = EntryState.REMOVED
    fresh.removed_on = on
    fresh.removal_kind = kind
    fresh.removal_reason = reason
    fresh.save()
    _record(actor, fresh, f"remove_{kind}", from_state, on, reason, before)
    return fresh


def earliest_early_removal(entry: ListEntry) -> dt.date | None:
    """The first day an entry may be removed on application (提前移出, 信用修复): the day
    after the first `early_removal_after_months` of its period; None when its list type
    allows no early removal."""
    list_type = entry.list_type
    if not list_type.early_removal_allowed or entry.period_start is None:
        return None
    if not list_type.early_removal_after_months:
        return entry.period_start
    return periods.period_end(entry.period_start, list_type.early_removal_after_months) + (
        periods.ONE_DAY
    )


@transaction.atomic
def remove_by_repair(
    actor: Actor, entry: ListEntry | int, reason: str, on: dt.date | None = None
) -> ListEntry:
    """Take an entry off its list on a credit repair decision (移出方式“信用修复”); the list
    type must allow early removal, as for any removal on application."""
    fresh = _lock(entry)
    _require(actor, fresh.department_id)
    on = on or _today()
    _check_removable(fresh, on, RemovalKind.REPAIR)
    reason = _text(reason, "修复理由")
    return _sync(entry, _mark_removed(actor, fresh, on, RemovalKind.REPAIR, reason))


@transaction.atomic
def revoke_repair(actor: Actor, entry: ListEntry | int, reason: str) -> ListEntry:
    """Put an entry removed by repair back in force (撤销修复: false materials); its period is
    unchanged, so an entry whose period has meanwhile ended expires with the daily job."""
    fresh = _lock(entry)
    _require(actor, fresh.department_id)
    if fresh.state != EntryState.REMOVED or fresh.removal_kind != RemovalKind.REPAIR:
        raise ServiceError("not_repaired", "该名单条目未经信用修复移出，不能撤销修复")
    reason = _text(reason, "撤销修复理由")
    before = _snapshot(fresh)
    fresh.state = EntryState.PUBLISHED if fresh.published_on else EntryState.DECIDED
    fresh.removed_on = None
    fresh.removal_kind = ""
    fresh.removal_reason = ""
    fresh.save()
    _record(actor, fresh, "restore_repair", EntryState.REMOVED, _today(), reason, before)
    return _sync(entry, fresh)


def expire_entries(today: dt.date | None = None) -> int:
    """Mark removed every entry whose period ended before `today`. Safe to run repeatedly.

    An entry with period end D is current on D and out on D + 1, which is its removal date.
    """
    day = today or _today()
    actor = Actor.system(EXPIRY_ACTOR_LABEL)
    due = ListEntry.objects.filter(exposure.expired(day)).values_list("pk", flat=True)
    removed = 0
    for pk in list(due):
        with transaction.atomic():
            fresh = _lock(pk)
            if not exposure.is_expired(fresh, day):
                continue
            on = fresh.period_end + dt.timedelta(days=1)
            _mark_removed(actor, fresh, on, RemovalKind.EXPIRY, "列入期限届满，自动移出")
            removed += 1
    return removed


# --- one-step entry of a decision made elsewhere -------------------------------------------


@transaction.atomic
def enter_decided(
    actor: Actor,
    list_type: ListType,
    subject,
    decision_number: str,
    decision_date: dt.date,
    facts: str,
    basis: str,
    period_end: dt.date | None = None,
    *,
    published_on: dt.date | None = None,
    publish_now: bool = True,
    authority_name: str = "",
    authority_uscc: str = "",
    department_id: int | None = None,
    measures_note: str = "",
    source: str = Source.CONSOLE,
    source_record_id: int | None = None,
) -> tuple[ListEntry, bool]:
    """Enter a decision whose notice and statement steps happened outside the platform.

    Idempotent by (list type, decision number): entering the same decision again returns the
    existing entry and `False`.
    """
    number = _text(decision_number, "决定书文号")
    key = doc_key(number)
    existing = ListEntry.objects.filter(list_type=list_type, decision_key=key).first()
    if existing is not None:
        return existing, False
    # Lists without a local department (courts, customs) are entered by the credit office.
    _require(actor, list_type.department_id)
    department_id = _entry_department(actor, list_type, department_id)
    _not_future(decision_date, "决定日期")
    entry = ListEntry(
        list_type=list_type,
        subject=subject,
        department_id=department_id,
        authority_name=(authority_name or "").strip(),
        authority_uscc=(authority_uscc or "").strip(),
        state=EntryState.DECIDED,
        source=source,
        source_record_id=source_record_id,
        decision_number=number,
        decision_key=key,
        decision_date=decision_date,
        facts=(facts or "").strip(),
        basis=_text(basis, "认定依据"),
        measures_note=(measures_note or "").strip(),
        period_start=decision_date,
        period_end=_resolve_period(list_type, decision_date, period_end),
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # A concurrent import of the same decision won the race.
        return ListEntry.objects.get(list_type=list_type, decision_key=key), False
    _record(actor, entry, "enter_decided", "", decision_date, number)
    if publish_now:
        on = max(published_on or decision_date, decision_date)
        if entry.period_end is None or on <= entry.period_end:
            before = _snapshot(entry)
            entry.state = EntryState.PUBLISHED
            entry.published_on = on
            entry.save()
            _record(actor, entry, "publish", EntryState.DECIDED, on, "", before)
    if entry.period_end is not None and entry.period_end < _today():
        _mark_removed(
            Actor.system(EXPIRY_ACTOR_LABEL),
            entry,
            entry.period_end + dt.timedelta(days=1),
            RemovalKind.EXPIRY,
            "列入期限届满，自动移出",
        )
    return entry, True
