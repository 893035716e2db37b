"""Every write of objections: submission, 受理/不予受理, platform self-check, 协查 and outcome.

Steps and clocks are the application's (credit.applications); the 异议标注 is the
kernel's dispute facet, opened on acceptance and closed with the objection
(facts.transitions.open_dispute / close_dispute: state, change log and event together).
A 删除 outcome withdraws the record (records.services.withdraw) or removes the list entry
as a revoked decision (lists.services.remove), both through the kernel. A 更正 outcome
means the providing department sends the corrected version through the normal path (file
or API upload with the same document number: records.upsert keeps the old version in the
history and the import's event tells every consumer); the objection records that it was
corrected.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from credit import facts
from credit.applications import services as applications
from credit.applications.models import Application, ApplicationKind, ApplicationState
from credit.collection import corrections
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.core.normalize import has_control_chars
from credit.facts import transitions
from credit.facts.audience import Audience
from credit.lists import services as list_services
from credit.objections import permissions
from credit.objections.models import FactKind, Objection, ObjectionState, Outcome, Step
from credit.records import services as record_services

KIND = ApplicationKind.OBJECTION
REASON_LIMIT = 2000


def _fact_q(kind: str, fact_id: int):
    """The fact, if the public or government sharing may see it today (one may object to
    a fact while it is public or shared)."""
    model = facts.kind(kind).model
    condition = facts.visible(kind, Audience.PUBLIC) | facts.visible(kind, Audience.SHARING)
    return model._default_manager.filter(condition, pk=fact_id)


def objectable_fact(kind: str, fact_id: int | None):
    if kind not in FactKind.values or fact_id is None:
        raise NotFound("未找到可提出异议的信用信息", code="fact_not_found")
    related = ["dataset", "subject"] if kind == FactKind.RECORD else ["list_type", "subject"]
    fact = _fact_q(kind, fact_id).select_related(*related).first()
    if fact is None:
        raise NotFound(
            "未找到可提出异议的信用信息（只能对正在公示或共享的信息提出异议）",
            code="fact_not_found",
        )
    return fact


def objectable_by_document(kind: str, number: str) -> int:
    """The fact a paper application names by its document number (window entry)."""
    number = (number or "").strip()
    if kind not in FactKind.values or not number:
        raise ServiceError("required", "字段“决定文书号”：必须填写")
    model = facts.kind(kind).model
    condition = facts.visible(kind, Audience.PUBLIC) | facts.visible(kind, Audience.SHARING)
    field = "doc_number" if kind == FactKind.RECORD else "decision_number"
    ids = list(
        model._default_manager.filter(condition, **{field: number}).values_list("pk", flat=True)[:2]
    )
    if not ids:
        raise ServiceError("fact_not_found", "字段“决定文书号”：未找到正在公示或共享的该文书号信息")
    if len(ids) > 1:
        raise ServiceError(
            "fact_ambiguous", "字段“决定文书号”：该文书号对应多条信息，请联系数据提供单位核对"
        )
    return ids[0]


def fact_label(kind: str, fact) -> str:
    if kind == FactKind.RECORD:
        return f"{fact.dataset.name} {fact.doc_number}"[:300]
    number = fact.decision_number or fact.notice_number or ""
    return f"{fact.list_type.name} {number}".strip()[:300]


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError("required", "字段“异议内容及理由”：必须填写")
    if has_control_chars(text, multiline=True):
        raise ServiceError("invalid_field", "字段“异议内容及理由”：不能包含控制字符")
    if len(text) > REASON_LIMIT:
        raise ServiceError("invalid_field", f"字段“异议内容及理由”：不能超过 {REASON_LIMIT} 个字")
    return text


def submit(
    actor: Actor,
    *,
    kind: str,
    fact_id: int | None,
    party: applications.Party,
    reason: str,
    uploads: list,
    channel: str,
    on: dt.date | None = None,
) -> tuple[Objection, str]:
    """A new objection; returns it and the query code (shown once). Stores nothing when
    any part is refused."""
    fact = objectable_fact(kind, fact_id)
    reason = _reason(reason)
    if fact.department_id is None:
        raise ServiceError("no_provider", "该信息没有数据提供单位，请到信用办窗口提出异议")
    with transaction.atomic():
        application, code = applications.create(
            actor,
            KIND,
            subject=fact.subject,
            party=party,
            uploads=uploads,
            channel=channel,
            department=fact.department,
        )
        objection = Objection.objects.create(
            application=application,
            fact_kind=kind,
            fact_id=fact.pk,
            fact_label=fact_label(kind, fact),
            department_id=fact.department_id,
            reason=reason,
        )
        applications.start_step(application, Step.ACCEPT, on)
    return objection, code


def _locked(objection: Objection) -> Objection:
    return Objection.objects.select_for_update().select_related("application").get(pk=objection.pk)


def _expect(objection: Objection, state: str) -> None:
    if objection.state != state:
        raise ServiceError(
            "wrong_state", f"该异议当前为“{objection.get_state_display()}”，不能办理此环节"
        )


def _note(note: str, label: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ServiceError("required", f"字段“{label}”：必须填写")
    if has_control_chars(note, multiline=True):
        raise ServiceError("invalid_field", f"字段“{label}”：不能包含控制字符")
    if len(note) > REASON_LIMIT:
        raise ServiceError("invalid_field", f"字段“{label}”：不能超过 {REASON_LIMIT} 个字")
    return note


def _subject_id(objection: Objection) -> int:
    return objection.application.subject_id


def accept(
    actor: Actor, objection: Objection, note: str = "", on: dt.date | None = None
) -> Objection:
    """受理: the credit office has verified identity from the materials; the fact carries
    the 异议标注 from now until the objection is closed."""
    if not permissions.can_accept(actor):
        raise PermissionDenied("只有信用办可以受理异议申请")
    note = _note(note, "受理意见", required=False)
    with transaction.atomic():
        objection = _locked(objection)
        _expect(objection, ObjectionState.RECEIVED)
        application = objection.application
        applications.finish_step(
            actor, applications.open_step(application, Step.ACCEPT), "受理", note
        )
        transitions.open_dispute(
            actor,
            objection.fact_kind,
            objection.fact_id,
            _subject_id(objection),
            application.tracking_number,
            note,
        )
        applications.start_step(application, Step.SELF_CHECK, on)
        applications.set_state(application, ApplicationState.IN_PROGRESS)
        objection.state = ObjectionState.SELF_CHECK
        objection.save(update_fields=["state"])
    return objection


def reject(actor: Actor, objection: Objection, reason: str) -> Objection:
    """不予受理, with the reason the applicant reads on the status page."""
    if not permissions.can_accept(actor):
        raise PermissionDenied("只有信用办可以作出不予受理决定")
    reason = _note(reason, "不予受理理由", required=True)
    with transaction.atomic():
        objection = _locked(objection)
        _expect(objection, ObjectionState.RECEIVED)
        application = objection.application
        applications.finish_step(
            actor, applications.open_step(application, Step.ACCEPT), "不予受理", reason
        )
        objection.state = ObjectionState.REJECTED
        objection.save(update_fields=["state"])
        applications.note_step(actor, application, Step.NOTIFY, Step.NOTIFY.label, "已告知", reason)
        applications.close(
            actor, application, ApplicationState.REJECTED, "rejected", "不予受理", reason
        )
    return objection


def self_check(
    actor: Actor,
    objection: Objection,
    platform_error: bool,
    note: str,
    on: dt.date | None = None,
) -> Objection:
    """平台自查: an error of the platform's own (wrong subject link, a display error) is
    corrected at once by the office and the objection closes as 更正; otherwise the
    providing department verifies (协查)."""
    if not permissions.can_accept(actor):
        raise PermissionDenied("只有信用办可以进行平台自查")
    note = _note(note, "自查意见", required=True)
    with transaction.atomic():
        objection = _locked(objection)
        _expect(objection, ObjectionState.SELF_CHECK)
        application = objection.application
        step = applications.open_step(application, Step.SELF_CHECK)
        if platform_error:
            applications.finish_step(actor, step, "平台差错，已更正", note)
            objection.platform_error = True
            return _close(actor, objection, Outcome.CORRECTED, note)
        applications.finish_step(actor, step, "转数据提供单位协查", note)
        applications.start_step(application, Step.VERIFY, on, department=objection.department)
        objection.state = ObjectionState.VERIFYING
        objection.save(update_fields=["state"])
    return objection


def verify(
    actor: Actor, objection: Objection, outcome: str, note: str, changes: dict | None = None
) -> Objection:
    """协查 by the providing department, with the outcome: 更正, 删除 or 维持.

    For 更正 of a record the department may send the corrected fields here (`changes`, by
    exchange code or label): they take the normal correction path first
    (collection.corrections: the pipeline keeps the old version in the history and the
    record's `corrected` event tells every consumer), and the objection closes only once
    the correction is stored. Without `changes`, the corrected version was sent by file, API
    or the console's 更正 page."""
    if not permissions.can_verify(actor, objection):
        raise PermissionDenied("只有数据提供单位或信用办可以办理协查")
    if outcome not in Outcome.values:
        raise ServiceError("invalid_field", "字段“处理结果”：请选择更正、删除或维持")
    note = _note(note, "核实意见", required=True)
    if changes:
        _expect(Objection.objects.get(pk=objection.pk), ObjectionState.VERIFYING)
        _correct_fact(actor, objection, outcome, note, changes)
    with transaction.atomic():
        objection = _locked(objection)
        _expect(objection, ObjectionState.VERIFYING)
        application = objection.application
        applications.finish_step(
            actor,
            applications.open_step(application, Step.VERIFY),
            Outcome(outcome).label,
            note,
        )
        if outcome == Outcome.DELETED:
            _delete_fact(actor, objection, note)
        return _close(actor, objection, outcome, note)


def _correct_fact(
    actor: Actor, objection: Objection, outcome: str, note: str, changes: dict
) -> None:
    if outcome != Outcome.CORRECTED or objection.fact_kind != FactKind.RECORD:
        raise ServiceError(
            "invalid_field", "字段“更正内容”：仅在处理结果为“更正”且异议信息为信用记录时填写"
        )
    if not isinstance(changes, dict):
        raise ServiceError("invalid_field", "字段“更正内容”：应为“字段名: 更正后的值”的对象")
    record = facts.kind(FactKind.RECORD).model._default_manager.get(pk=objection.fact_id)
    reason = f"异议核实更正（{objection.application.tracking_number}）：{note}"[:1000]
    corrections.correct(actor, record, changes, reason)


def _delete_fact(actor: Actor, objection: Objection, note: str) -> None:
    reason = f"异议核实删除（{objection.application.tracking_number}）：{note}"[:500]
    model = facts.kind(objection.fact_kind).model
    fact = model._default_manager.get(pk=objection.fact_id)
    if objection.fact_kind == FactKind.RECORD:
        if fact.withdrawn_at is None:
            record_services.withdraw(actor, fact, reason)
    else:
        list_services.remove(actor, fact, reason, kind="revoked")


def _close(actor: Actor, objection: Objection, outcome: str, note: str) -> Objection:
    application = objection.application
    label = Outcome(outcome).label
    transitions.close_dispute(
        actor,
        objection.fact_kind,
        objection.fact_id,
        _subject_id(objection),
        application.tracking_number,
        f"异议办结：{label}",
    )
    objection.state = ObjectionState.CLOSED
    objection.outcome = outcome
    objection.save(update_fields=["state", "outcome", "platform_error"])
    applications.note_step(actor, application, Step.NOTIFY, Step.NOTIFY.label, "已告知", label)
    applications.close(actor, application, ApplicationState.CLOSED, outcome, label, note)
    return objection


MAX_ID = 2**63 - 1


def get_for(actor: Actor, objection_id: int | None) -> Objection:
    if objection_id is None or not 0 < objection_id <= MAX_ID:
        raise NotFound("异议不存在")
    objection = (
        Objection.objects.select_related("application", "department")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None or not permissions.can_read(actor, objection):
        raise NotFound("异议不存在")
    return objection


def for_application(application: Application) -> Objection | None:
    return Objection.objects.filter(application=application).first()
