"""The one write path of credit repair applications.

Each step stores the application's state, a dated `RepairStep` and a change-log row in one
transaction; the decision 修复 (and its revocation) changes the fact through the kernel
(`records.services.repair` / `lists.services.remove_by_repair`), so publication, sharing,
checks and measures stop together and every consumer that received the fact is told.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone

from credit import facts
from credit.applications import materials as material_files
from credit.applications import services as applications
from credit.applications.models import ApplicationKind, ApplicationState, Channel, Relationship
from credit.audit.services import log_change
from credit.commitments import services as commitments
from credit.core import deadlines, fieldcrypto
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.lists import services as lists
from credit.lists.models import ListEntry
from credit.records import services as records
from credit.records.models import Record
from credit.repairs import eligibility
from credit.repairs import permissions as perms
from credit.repairs import settings as repair_settings
from credit.repairs.models import FactKind, RepairApplication, RepairStep, State

COMMITMENT_TEXT = (
    "本主体郑重承诺：所提交的信用修复申请材料真实、准确、完整，已全面履行相关行政处罚（失信行为"
    "认定）决定规定的义务，已纠正失信行为；如有虚假，自愿接受撤销信用修复决定、恢复公示，并作为"
    "失信信息记入信用记录，承担相应法律责任。"
)
MAX_TEXT = 2000


def _today() -> dt.date:
    return timezone.localdate()


def query_code_matches(application: RepairApplication, code: str) -> bool:
    """The query code opens the application: checked against the common Application's
    password hash (a fast digest of a 10-character code could be brute-forced)."""
    if application.application_id is None:
        return False
    return check_password((code or "").strip().upper(), application.application.query_code_hash)


def _text(value: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError("field_required", f"请填写{label}")
    if len(value) > limit:
        raise ServiceError("field_too_long", f"{label}不能超过 {limit} 个字符")
    return value


def _step(actor: Actor, app: RepairApplication, action: str, note: str, before: dict) -> None:
    now = timezone.now()
    RepairStep.objects.create(
        application=app,
        action=action,
        to_state=app.state,
        at=now,
        actor_label=actor.label,
        note=note,
    )
    after = {"state": app.state}
    if note:
        after["note"] = note
    for key in ("accept_due", "decide_due", "barred_until"):
        value = getattr(app, key)
        if value is not None and before.get(key) != value.isoformat():
            after[key] = value.isoformat()
    log_change(
        actor,
        f"repair.{action}",
        "RepairApplication",
        app.pk,
        before={"state": before.get("state", "")},
        after=after,
    )


def _snapshot(app: RepairApplication) -> dict:
    return {
        "state": app.state,
        **{
            key: getattr(app, key).isoformat()
            for key in ("accept_due", "decide_due", "barred_until")
            if getattr(app, key) is not None
        },
    }


def repairable_by_document(kind: str, number: str) -> Record | ListEntry:
    """The publicly shown fact a paper application names by its document number (window
    entry): a record by 决定文书号, a list entry by its decision number."""
    number = (number or "").strip()
    if kind not in FactKind.values or not number:
        raise ServiceError("field_required", "字段“决定文书号”：必须填写")
    audience = facts.Audience.PUBLIC
    if kind == FactKind.RECORD:
        found = facts.readable(facts.RECORD, audience, _today()).filter(doc_number=number)
    else:
        found = facts.readable(facts.LIST_ENTRY, audience, _today()).filter(decision_number=number)
    rows = list(found[:2])
    if not rows:
        raise ServiceError(
            "fact_not_found", "字段“决定文书号”：未找到正在公示的该文书号信息", status=404
        )
    if len(rows) > 1:
        raise ServiceError(
            "fact_ambiguous", "字段“决定文书号”：该文书号对应多条信息，请联系数据提供单位核对"
        )
    return rows[0]


def submit(
    actor: Actor,
    fact: Record | ListEntry,
    *,
    applicant_name: str,
    applicant_phone: str,
    commitment_signed_name: str,
    commitment_accepted: bool,
    statement: str = "",
    agent_name: str = "",
    relationship: str = "",
    on: dt.date | None = None,
    party: applications.Party | None = None,
    uploads: list | tuple = (),
    channel: str = Channel.PORTAL,
) -> tuple[RepairApplication, str]:
    """Store an application that passed the self-check; returns it and its query code
    (shown once). Refused whole, nothing stored (files included), when the fact may not be
    repaired now or any field or material is refused.
    The common Application (tracking number, hashed query code, party, materials checked by
    content and stored encrypted) is made by `applications.create`; `party` is the subject
    and applicant as entered (portal, API); without it (code, window) the party is the
    fact's own subject and the applicant named here.
    `on`: the day it was received (a window application entered later), which starts the
    受理 clock; the fact must be repairable today."""
    received = on or _today()
    applicant_name = _text(applicant_name, "申请人姓名", limit=100)
    applicant_phone = _text(applicant_phone, "联系电话", limit=30)
    if not commitment_accepted:
        raise ServiceError("commitment_required", "请阅读并勾选信用修复承诺书")
    signed = _text(commitment_signed_name, "承诺人签名", limit=100)
    statement = _text(statement, "修复理由", required=False)
    agent_name = _text(agent_name, "代理人姓名", required=False, limit=100)
    relationship = _text(relationship, "与主体关系", required=False, limit=50)
    with transaction.atomic():
        if isinstance(fact, ListEntry):
            fact = ListEntry.objects.select_for_update().select_related("list_type").get(pk=fact.pk)
        else:
            fact = (
                Record.objects.select_for_update()
                .select_related("dataset", "dataset_version")
                .get(pk=fact.pk)
            )
        answer = eligibility.check(fact, _today())
        if not answer.eligible:
            raise ServiceError("not_eligible", answer.message, status=409)
        written: list = []
        try:
            common, code = applications.create(
                actor,
                ApplicationKind.REPAIR,
                subject=fact.subject,
                party=party
                or _own_party(fact.subject, applicant_name, applicant_phone, agent_name),
                uploads=list(uploads),
                channel=channel,
                department=fact.department,
            )
            written = list(common.materials.values_list("stored_name", flat=True))
            app = _insert(
                actor,
                fact,
                common,
                received,
                signed,
                applicant_name=applicant_name,
                applicant_phone=applicant_phone,
                agent_name=agent_name,
                relationship=relationship,
                statement=statement,
            )
        except BaseException:
            # The database rolls back; the encrypted files written for it must go too.
            for stored in written:
                material_files.remove(common.pk, stored)
            raise
    return app, code


def submit_as_entered(
    actor: Actor,
    fact: Record | ListEntry,
    fields: dict,
    uploads: list,
    channel: str,
    on: dt.date | None = None,
) -> tuple[RepairApplication, str]:
    """`submit` of an application as a form or the public API took it (the party's fields,
    the statement, the ticked and signed commitment): the portal, the API and the window."""
    party = applications.Party(
        **{k: fields.get(k, "") for k in applications.Party.__dataclass_fields__}
    )
    relationship = dict(Relationship.choices).get(party.applicant_relationship, "")
    return submit(
        actor,
        fact,
        applicant_name=party.applicant_name,
        applicant_phone=party.applicant_phone,
        agent_name=party.agent_name,
        relationship=party.agent_relationship or relationship,
        statement=fields.get("statement", ""),
        commitment_accepted=bool(fields.get("commitment_accepted")),
        commitment_signed_name=fields.get("commitment_signed_name", ""),
        party=party,
        uploads=uploads,
        channel=channel,
        on=on,
    )


def _own_party(subject, applicant_name: str, applicant_phone: str, agent_name: str):
    """The party of an application made in code or at the window: the fact's subject."""
    id_number = ""
    if subject.kind == "person" and subject.id_cipher:
        id_number = fieldcrypto.decrypt_id(subject.id_cipher)
    return applications.Party(
        subject_name=subject.name,
        uscc=subject.uscc or "",
        id_number=id_number,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        applicant_relationship=Relationship.AGENT if agent_name else Relationship.SELF,
    )


def _insert(actor, fact, common, received, signed, **party) -> RepairApplication:
    """The repair application of `common`, its 信用修复型 commitment and first step."""
    now = timezone.now()
    app = RepairApplication.objects.create(
        application=common,
        tracking_number=common.tracking_number,
        query_code_hash="",  # kept hashed (argon2) on the Application only
        fact_kind=FactKind.LIST_ENTRY if isinstance(fact, ListEntry) else FactKind.RECORD,
        record=fact if isinstance(fact, Record) else None,
        list_entry=fact if isinstance(fact, ListEntry) else None,
        subject_id=fact.subject_id,
        department_id=fact.department_id,
        **party,
        commitment_text=COMMITMENT_TEXT,
        commitment_signed_name=signed,
        commitment_at=now,
        submitted_at=now,
        accept_due=deadlines.due_date(received, repair_settings.accept_workdays()),
    )
    if fact.department_id is not None:
        app.commitment = commitments.create_repair_commitment(
            subject=fact.subject,
            department=fact.department,
            text=COMMITMENT_TEXT,
            signer_name=signed,
            signed_at=now,
            matter=f"信用修复申请 {app.tracking_number}",
            actor=actor,
        )
        app.save()
    _step(actor, app, "submitted", "", {})
    applications.start_step_due(
        common, "accept", "受理", received, app.accept_due, department=fact.department
    )
    return app


# --- the common application's steps (what the applicant's status page and API show) ------

_RESULTS = {State.REPAIRED: "准予修复", State.REFUSED: "不予修复"}


def _mirror_finish(actor: Actor, app: RepairApplication, code: str, result: str, note: str):
    if app.application_id is None:
        return
    step = app.application.steps.filter(code=code, done_at__isnull=True).first()
    if step is not None:
        applications.finish_step(actor, step, result, note)


def _mirror_close(actor: Actor, app: RepairApplication, state: str, note: str) -> None:
    if app.application_id is not None:
        applications.close(actor, app.application, state, app.state, app.get_state_display(), note)


def _lock(app: RepairApplication | int) -> RepairApplication:
    pk = getattr(app, "pk", app)
    try:
        return RepairApplication.objects.select_for_update().get(pk=pk)
    except RepairApplication.DoesNotExist:
        raise ServiceError("not_found", "信用修复申请不存在", status=404) from None


def _sync(original, fresh: RepairApplication) -> RepairApplication:
    """Let a caller holding the old instance see the new state too."""
    if isinstance(original, RepairApplication) and original is not fresh:
        original.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    return fresh


def _require_state(app: RepairApplication, *states: str) -> None:
    if app.state not in states:
        raise ServiceError(
            "action_not_allowed",
            f"申请当前状态为“{app.get_state_display()}”，不能办理该事项",
            status=409,
        )


@transaction.atomic
def accept(
    actor: Actor, app: RepairApplication | int, note: str = "", on: dt.date | None = None
) -> RepairApplication:
    """受理: the department verified the applicant's identity from the materials; the
    decision clock runs from `on` (the day of acceptance, today by default)."""
    original, app = app, _lock(app)
    perms.require_decide(actor, app)
    _require_state(app, State.SUBMITTED)
    note = _text(note, "受理意见", required=False)
    before = _snapshot(app)
    app.state = State.ACCEPTED
    app.accepted_at = timezone.now()
    app.decide_due = deadlines.due_date(on or _today(), repair_settings.decide_workdays())
    app.save()
    _step(actor, app, "accepted", note, before)
    _mirror_finish(actor, app, "accept", "已受理", "")
    if app.application_id is not None:
        applications.set_state(app.application, ApplicationState.IN_PROGRESS)
        applications.start_step_due(
            app.application, "decide", "决定", on or _today(), app.decide_due, app.department
        )
    return _sync(original, app)


@transaction.atomic
def reject(actor: Actor, app: RepairApplication | int, reason: str) -> RepairApplication:
    """不予受理, with the reason the applicant is told."""
    original, app = app, _lock(app)
    perms.require_decide(actor, app)
    _require_state(app, State.SUBMITTED)
    reason = _text(reason, "不予受理理由")
    before = _snapshot(app)
    app.state = State.REJECTED
    app.decided_at = timezone.now()
    app.outcome_reason = reason
    app.save()
    _step(actor, app, "rejected", reason, before)
    _mirror_finish(actor, app, "accept", "不予受理", reason)
    _mirror_close(actor, app, ApplicationState.REJECTED, reason)
    return _sync(original, app)


@transaction.atomic
def extend(actor: Actor, app: RepairApplication | int, reason: str) -> RepairApplication:
    """One extension of the decision period, with its reason."""
    original, app = app, _lock(app)
    perms.require_decide(actor, app)
    _require_state(app, State.ACCEPTED)
    if app.extended_at is not None:
        raise ServiceError("already_extended", "决定期限只能延长一次", status=409)
    reason = _text(reason, "延期理由")
    before = _snapshot(app)
    app.extended_at = timezone.now()
    app.extension_reason = reason
    app.decide_due = deadlines.due_date(app.decide_due, repair_settings.extension_workdays())
    app.save()
    _step(actor, app, "extended", reason, before)
    if app.application_id is not None:
        step = app.application.steps.filter(code="decide", done_at__isnull=True).first()
        if step is not None:
            applications.move_due(step, app.decide_due)
    return _sync(original, app)


@transaction.atomic
def decide(
    actor: Actor, app: RepairApplication | int, *, repair: bool, reason: str
) -> RepairApplication:
    """修复 (the fact leaves publication and sharing through the kernel) or 不予修复."""
    original, app = app, _lock(app)
    perms.require_decide(actor, app)
    _require_state(app, State.ACCEPTED)
    reason = _text(reason, "决定理由")
    before = _snapshot(app)
    if repair:
        note = f"信用修复（受理编号 {app.tracking_number}）：{reason}"
        if app.fact_kind == FactKind.RECORD:
            records.repair(actor, app.record, note)
        else:
            lists.remove_by_repair(actor, app.list_entry, note)
    app.state = State.REPAIRED if repair else State.REFUSED
    app.decided_at = timezone.now()
    app.outcome_reason = reason
    app.save()
    _step(actor, app, "decided", reason, before)
    _mirror_finish(actor, app, "decide", _RESULTS[app.state], reason)
    _mirror_close(actor, app, ApplicationState.CLOSED, reason)
    return _sync(original, app)


@transaction.atomic
def revoke(
    actor: Actor, app: RepairApplication | int, reason: str, document_number: str = ""
) -> RepairApplication:
    """撤销修复: the materials proved false. The fact is restored through the kernel, no new
    application for it is accepted until `barred_until`, and the 信用修复型 commitment is
    marked 失信, which makes the breach a negative record of the subject
    (`commitments.mark_broken`; `document_number` is the revocation decision)."""
    original, app = app, _lock(app)
    perms.require_decide(actor, app)
    _require_state(app, State.REPAIRED)
    reason = _text(reason, "撤销理由")
    document_number = _text(
        document_number, "撤销修复决定书文号", required=app.commitment_id is not None, limit=128
    )
    before = _snapshot(app)
    note = f"撤销信用修复（受理编号 {app.tracking_number}）：{reason}"
    if app.fact_kind == FactKind.RECORD:
        records.revoke_repair(actor, app.record, note)
    else:
        lists.revoke_repair(actor, app.list_entry, note)
    if app.commitment_id is not None:
        # The repair permission was checked above. The platform records the breach in the
        # decider's name: the commitment pipeline admits a 信用修复型 commitment's new
        # version only from the platform (commitments.ingest), and the deciding system may
        # hold repairs:decide without the reporting scope verification asks for.
        breach_actor = Actor.system(f"{actor.label}（撤销信用修复）", actor.request_id)
        commitments.mark_broken(
            app.commitment,
            facts=f"信用修复申请 {app.tracking_number} 提供虚假材料：{reason}",
            decision=document_number,
            actor=breach_actor,
        )
    app.state = State.REVOKED
    app.revoked_at = timezone.now()
    app.revocation_reason = reason
    app.revocation_document = document_number
    app.barred_until = eligibility.bar_until(_today())
    app.save()
    _step(actor, app, "revoked", reason, before)
    if app.application_id is not None:
        applications.note_step(actor, app.application, "revoke", "撤销修复", "撤销修复", reason)
    _mirror_close(actor, app, ApplicationState.CLOSED, reason)
    return _sync(original, app)
