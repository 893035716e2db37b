"""Every write of commitments: recording, the platform's 信用修复型 commitment, verification.

Commitment records go through the collection pipeline like any department's rows (one-row
JSON batches), so a commitment and its verification reach sharing, the profile and the
notices as records do; the pipeline's consumer (`ingest.apply_batch`) keeps the
`Commitment` row in step. A 失信 verification sends two rows in one transaction: the
违背信用承诺 record (dataset commitment_breach, a negative record through the kernel like a
penalty) and the commitment's new version with 履约状态 失信; either is refused and
nothing is stored.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from credit.audit.services import log_change
from credit.collection import services as collection
from credit.collection.models import Batch, BatchState
from credit.collection.queries import batch_errors
from credit.commitments import ingest, permissions
from credit.commitments.models import Commitment, CommitmentKind, Fulfilment
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.records.models import Record, Severity

MAX_TEXT = 4000
REPAIR_REASON = "申请信用修复"


class CommitmentRefused(ServiceError):
    """A commitment row the pipeline refused; `problems` lists (column, Chinese message)."""

    def __init__(self, problems: list[tuple[str, str]], prefix: str = "承诺信息有误"):
        shown = "；".join(
            f"{column}{message}" if column else message for column, message in problems[:5]
        )
        super().__init__("commitment_invalid", f"{prefix}：{shown}", status=422)
        self.problems = problems
        self.details = [{"field": column, "message": message} for column, message in problems]


def _submit(actor: Actor, dataset_code: str, department, row: dict[str, str]) -> Batch:
    """Send one row through the pipeline; refused rows raise CommitmentRefused."""
    batch = collection.submit_rows(
        actor, dataset_code=dataset_code, department=department, items=[row]
    )
    if batch.state == BatchState.DONE:
        return batch
    problems = [(e.column, e.message) for e in batch_errors(batch, 20)]
    if batch.state == BatchState.REJECTED:
        raise CommitmentRefused(problems or [("", batch.message)])
    raise ServiceError("commitment_failed", f"承诺信息未能入库：{batch.message}", status=409)


def next_code(region: str, day: dt.date) -> str:
    """The next free 承诺编码 of a region and day (6 + 8 + 6 digits)."""
    prefix = f"{region}{day:%Y%m%d}"
    last = (
        Commitment.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    serial = int(last[-6:]) + 1 if last else 1
    if serial > 999_999:
        raise ServiceError("commitment_serial", "当日承诺编码已用完", status=409)
    return f"{prefix}{serial:06d}"


def _text(value: str, label: str, limit: int = MAX_TEXT, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError("required", f"请填写{label}")
    if len(value) > limit:
        raise ServiceError("too_long", f"{label}不能超过 {limit} 个字符")
    return value


def record_commitment(
    actor: Actor,
    *,
    department,
    subject: tuple[str, ...],
    kind: str,
    made_on: dt.date,
    reason: str,
    text: str,
    matter: str,
    due_on: dt.date | None = None,
    public: bool = True,
    code: str = "",
) -> Commitment:
    """A commitment accepted by `department`, entered in the console or sent by API as one
    record; `subject` is (name, kind label, USCC, legal rep, ID type, ID number). Without a
    code the next free one of the department's region and the commitment date is given."""
    if not permissions.can_record_commitment(actor, department):
        raise PermissionDenied("只能登记本单位受理的信用承诺")
    with transaction.atomic():
        code = code or next_code(department.region_code, made_on)
        row = ingest.commitment_row(
            code=code,
            kind=kind,
            subject=subject,
            made_on=made_on,
            department=department,
            reason=reason,
            text=text,
            matter=matter,
            due_on=due_on,
            public=public,
        )
        _submit(actor, ingest.DATASET_CODE, department, row)
        return Commitment.objects.get(code=code)


def create_repair_commitment(
    *,
    subject,
    department,
    text: str,
    signer_name: str,
    signed_at: dt.datetime,
    matter: str,
    actor: Actor,
) -> Commitment:
    """The 信用修复型 commitment of a repair application: the applicant ticked it and signed
    by name; the text and time are stored. Made by the platform (the department deciding
    the repair accepts it), recorded as a commitment record that is shared, not public."""
    text = _text(text, "承诺内容")
    signer_name = _text(signer_name, "签署人姓名", limit=100)
    matter = _text(matter, "承诺事项", limit=200)
    made_on = timezone.localtime(signed_at).date()
    platform = Actor.system(label="信用修复申请", request_id=actor.request_id)
    with transaction.atomic():
        code = next_code(department.region_code, made_on)
        row = ingest.commitment_row(
            code=code,
            kind=CommitmentKind.REPAIR,
            subject=ingest.subject_values(subject),
            made_on=made_on,
            department=department,
            reason=REPAIR_REASON,
            text=text,
            matter=matter,
            public=False,
        )
        _submit(platform, ingest.DATASET_CODE, department, row)
        commitment = Commitment.objects.get(code=code)
        commitment.signer_name = signer_name
        commitment.signed_at = signed_at
        commitment.save(update_fields=["signer_name", "signed_at", "updated_at"])
        log_change(
            actor,
            "commitment.signed",
            "Commitment",
            code,
            after={"承诺类型": CommitmentKind.REPAIR.label, "事项": matter, "签署人": signer_name},
        )
    return commitment


def _lock(commitment: Commitment, actor: Actor) -> Commitment:
    if not permissions.can_verify_commitment(actor, commitment):
        raise PermissionDenied("只能核查本单位受理的信用承诺")
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if locked.state == Fulfilment.BROKEN:
        raise ServiceError("already_broken", "该承诺已认定失信，不能再次核查", status=409)
    return locked


def _new_version(actor: Actor, commitment: Commitment, **changes) -> None:
    """The commitment record's next version (history kept by the upsert)."""
    if commitment.record_id is None:
        return
    row = ingest.record_row(commitment.record, **changes)
    _submit(actor, ingest.DATASET_CODE, commitment.department, row)


def mark_kept(commitment: Commitment, *, actor: Actor, note: str = "") -> Commitment:
    """履约: the verification found the commitment kept."""
    note = _text(note, "核查说明", required=False)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock(commitment, actor)
        if locked.state == Fulfilment.KEPT:
            raise ServiceError("already_kept", "该承诺已核查履约", status=409)
        _new_version(actor, locked, state=Fulfilment.KEPT, verified_on=today)
        locked.refresh_from_db()
        before = {"履约状态": Fulfilment.PENDING.label}
        locked.state = Fulfilment.KEPT
        locked.verified_on = today
        locked.verified_by = actor.label[:150]
        locked.verification_note = note
        locked.save()
        log_change(
            actor,
            "commitment.kept",
            "Commitment",
            locked.code,
            before=before,
            after={"履约状态": Fulfilment.KEPT.label, "核查说明": note},
        )
    return locked


def mark_broken(
    commitment: Commitment,
    *,
    facts: str,
    decision: str,
    actor: Actor,
    severity: str = Severity.GENERAL,
) -> Record:
    """失信: the verification found the commitment broken. Makes the 违背信用承诺 record (a
    negative record of the accepting department, severity 一般 unless given, naming the
    commitment) and the commitment record's new version; returns the breach record.
    `decision` is the number of the document deciding the breach. A commitment verified as
    kept may still be found broken later (materials proved false)."""
    facts = _text(facts, "失信事实")
    decision = _text(decision, "失信认定文书号", limit=128)
    if severity not in Severity.values:
        raise ServiceError("bad_severity", "失信严重程度应为 轻微、一般 或 严重")
    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock(commitment, actor)
        before = {"履约状态": locked.get_state_display()}
        # Set first: the commitment row check admits 失信 only for a commitment the
        # verification already marked (rolled back with everything else on refusal).
        locked.state = Fulfilment.BROKEN
        locked.save(update_fields=["state", "updated_at"])
        row = ingest.breach_row(
            locked, facts=facts, decision=decision, decided_on=today, severity=severity
        )
        batch = _submit(actor, ingest.BREACH_DATASET_CODE, locked.department, row)
        breach = Record.objects.filter(batch=batch).get()
        _new_version(
            actor,
            locked,
            state=Fulfilment.BROKEN,
            verified_on=today,
            breach_note=f"{facts}（认定文书：{decision}）"[:MAX_TEXT],
        )
        locked.refresh_from_db()
        locked.state = Fulfilment.BROKEN
        locked.verified_on = today
        locked.verified_by = actor.label[:150]
        locked.breach_facts = facts
        locked.decision_number = decision
        locked.breach_record = breach
        locked.save()
        log_change(
            actor,
            "commitment.broken",
            "Commitment",
            locked.code,
            before=before,
            after={
                "履约状态": Fulfilment.BROKEN.label,
                "失信事实": facts,
                "失信认定文书号": decision,
                "违背承诺记录": breach.pk,
            },
        )
    return breach
