"""Commitment records (dataset commitment) kept in step with their `Commitment` rows.

The dataset's consumer (`collection.consumers`, registered from `CommitmentsConfig.ready`):

- `row_check` refuses, row by row and before anything is stored, what the catalog cannot
  express: a 承诺编码 that is not region 6 + date 8 + serial 6 or whose date is not the
  承诺日期, a code another department already holds, a 主动型 commitment marked not public,
  a 信用修复型 commitment sent by a department (the platform makes those itself), and a
  履约状态 that the verification did not record (失信 must come with its breach record,
  `services.mark_broken`; a verified commitment does not go back to 未到期).
- `apply_batch` runs inside the batch's load transaction: every commitment record the
  batch wrote becomes (or updates) its `Commitment` row, so the records and the
  verification queue are stored together or not at all.

This module is the one place that names the commitment datasets' exchange codes; the
services build their rows with `commitment_row` / `breach_row`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

from credit.audit.services import log_change
from credit.collection.pipeline import batch_actor
from credit.commitments.models import Commitment, CommitmentKind, Fulfilment
from credit.core import deadlines
from credit.core.actors import Actor
from credit.core.fieldcrypto import FieldCryptoError, decrypt_id
from credit.records.models import Record
from credit.subjects.models import SubjectKind

DATASET_CODE = "commitment"
BREACH_DATASET_CODE = "commitment_breach"

# Columns by exchange code in definitions/commitment.yaml.
CODE = "CN_CNBM"
KIND = "CN_CNLX"
MADE_ON = "CN_CNRQ"
AUTHORITY = "CN_SLDW"
AUTHORITY_USCC = "CN_SLDWDM"
REASON = "CN_CNSY"
TEXT = "CN_CNNR"
MATTER = "CN_CNSX"
DUE = "CN_HCQX"
STATE = "CN_LYZT"
VERIFIED_ON = "CN_HCRQ"
BREACH_NOTE = "CN_SXQK"
PUBLIC = "CN_SFGK"
SUBJECT_FIELDS = ("CN_XDR_MC", "CN_XDR_LB", "CN_XDR_SHXYM", "CN_FRDB", "CN_XDR_ZJLX", "CN_XDR_ZJHM")
ID_NUMBER = "CN_XDR_ZJHM"
SOURCE = "CN_SJLY"
SOURCE_USCC = "CN_SJLYDM"
# Columns of definitions/commitment_breach.yaml, in the same order for the subject.
BREACH_SUBJECT_FIELDS = (
    "WB_XDR_MC",
    "WB_XDR_LB",
    "WB_XDR_SHXYM",
    "WB_FRDB",
    "WB_XDR_ZJLX",
    "WB_XDR_ZJHM",
)

KIND_BY_LABEL = {label: value for value, label in CommitmentKind.choices}
STATE_BY_LABEL = {label: value for value, label in Fulfilment.choices}
YES = "是"
NO = "否"

CODE_RE = re.compile(r"^(\d{6})(\d{8})(\d{6})$")
BAD_CODE = "commitment_code"
CODE_TAKEN = "commitment_code_taken"
NOT_PUBLIC = "commitment_not_public"
REPAIR_BY_FILE = "commitment_repair_type"
STATE_NOT_ALLOWED = "commitment_state"


def code_problem(code: str, made_on: str = "") -> str:
    """Why `code` is not a 承诺编码 ("" when it is one)."""
    match = CODE_RE.match(code or "")
    if match is None:
        return "应为 20 位数字：6 位行政区划代码 + 8 位承诺日期 + 6 位流水号"
    region, day, serial = match.groups()
    try:
        date = dt.datetime.strptime(day, "%Y%m%d").date()
    except ValueError:
        return f"中的日期“{day}”不是有效日期"
    if serial == "000000":
        return "的流水号不能为 000000"
    if made_on and date.isoformat() != made_on:
        return f"中的日期“{day}”与承诺日期 {made_on} 不一致"
    if region[:2] == "00":
        return f"中的行政区划代码“{region}”无效"
    return ""


class _RowCheck:
    """The commitment row check of one batch (credit.collection.validation.RowCheck)."""

    def __init__(self, actor: Actor, fields):
        self.platform = actor.user is None and actor.client is None
        self.department_id = actor.department_id
        # Codes taken by other departments, and the verification state of known ones, are
        # read per row: a batch names few commitments compared with what is stored.

    def __call__(self, values: dict[str, str]) -> Iterator[tuple[str, str, str]]:
        code = values.get(CODE, "")
        problem = code_problem(code, values.get(MADE_ON, ""))
        if problem:
            yield CODE, BAD_CODE, f"「承诺编码」{problem}"
            return
        kind = values.get(KIND, "")
        if kind == CommitmentKind.REPAIR.label and not self.platform:
            yield KIND, REPAIR_BY_FILE, "信用修复型承诺由平台在信用修复申请中生成，不能报送"
        if kind == CommitmentKind.VOLUNTARY.label and values.get(PUBLIC) == NO:
            yield PUBLIC, NOT_PUBLIC, "主动型承诺应当向社会公开，「是否公开」不能为“否”"
        stored = (
            Commitment.objects.filter(code=code).values("department__uscc", "state", "kind").first()
        )
        if stored is not None and stored["department__uscc"] != values.get(AUTHORITY_USCC):
            yield CODE, CODE_TAKEN, f"「承诺编码」{code} 已由其他受理单位使用，承诺编码全市唯一"
            return
        wanted = STATE_BY_LABEL.get(values.get(STATE) or Fulfilment.PENDING.label)
        current = stored["state"] if stored else Fulfilment.PENDING
        if wanted == Fulfilment.BROKEN and current != Fulfilment.BROKEN:
            yield (
                STATE,
                STATE_NOT_ALLOWED,
                "履约状态“失信”须通过平台的承诺核查登记（控制台“承诺核查”或接口 "
                "POST /api/v1/commitments/{id}/verify），以同时生成违背信用承诺记录",
            )
        elif current == Fulfilment.BROKEN and wanted != Fulfilment.BROKEN:
            yield STATE, STATE_NOT_ALLOWED, "该承诺已认定失信，履约状态不能改为其他状态"
        elif current == Fulfilment.KEPT and wanted == Fulfilment.PENDING:
            yield STATE, STATE_NOT_ALLOWED, "该承诺已核查履约，履约状态不能改回“未到期”"


def row_check(actor: Actor, fields) -> _RowCheck:
    return _RowCheck(actor, fields)


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def default_due(kind: str, made_on: dt.date) -> dt.date | None:
    """The verification due date of a 审批替代型 commitment sent without one: within
    `CREDIT_COMMITMENT_VERIFY_WORKDAYS` working days of the commitment (the core calendar).
    Other types are verified when there is cause, so they have no due date by default."""
    if kind != CommitmentKind.APPROVAL or not settings.CREDIT_COMMITMENT_VERIFY_WORKDAYS:
        return None
    try:
        return deadlines.due_date(made_on, settings.CREDIT_COMMITMENT_VERIFY_WORKDAYS)
    except deadlines.DeadlineUnknown:
        return None  # the year is not in the calendar yet: listed once it is entered


def apply_batch(batch) -> dict:
    """Create or update the Commitment of every commitment record this batch wrote."""
    actor = batch_actor(batch)
    created = updated = kept = 0
    records = Record.objects.filter(batch=batch).order_by("batch_row")
    for record in records.iterator(chunk_size=2000):
        data = record.data or {}
        kind = KIND_BY_LABEL.get(str(data.get(KIND) or ""), CommitmentKind.APPROVAL)
        made_on = _date(data.get(MADE_ON)) or record.decision_date
        due = _date(data.get(DUE)) or default_due(kind, made_on)
        values = {
            "kind": kind,
            "subject_id": record.subject_id,
            "department_id": record.department_id,
            "record": record,
            "made_on": made_on,
            "matter": str(data.get(MATTER) or "")[:200],
            "reason": str(data.get(REASON) or "")[:500],
            "text": str(data.get(TEXT) or ""),
            "public": str(data.get(PUBLIC) or YES) == YES,
            "due_on": due,
        }
        commitment = Commitment.objects.filter(code=record.doc_number).first()
        if commitment is None:
            commitment = Commitment(code=record.doc_number, **values)
            created += 1
        else:
            for name, value in values.items():
                setattr(commitment, name, value)
            updated += 1
        wanted = STATE_BY_LABEL.get(str(data.get(STATE) or ""), Fulfilment.PENDING)
        if wanted == Fulfilment.KEPT and commitment.state == Fulfilment.PENDING:
            # Verified as kept by the department's own file or API push.
            commitment.state = Fulfilment.KEPT
            commitment.verified_on = _date(data.get(VERIFIED_ON)) or timezone.localdate()
            commitment.verified_by = actor.label[:150]
            kept += 1
        commitment.save()
    summary = {"新建": created, "更新": updated, "核查履约": kept}
    if created or updated:
        log_change(actor, "commitment.import", "batch", batch.public_id, after=summary)
    return summary


# --- rows the services send through the pipeline ---------------------------------------


def _plain_id(value) -> str:
    if not value:
        return ""
    try:
        return decrypt_id(value)
    except FieldCryptoError:
        return ""


def subject_values(subject) -> tuple[str, ...]:
    """(name, kind label, USCC, legal rep, ID type, ID number) of a subject, in the order of
    SUBJECT_FIELDS; the ID number decrypted, only ever sent back into the pipeline."""
    kind = SubjectKind(subject.kind).label
    person = subject.kind == SubjectKind.PERSON
    id_number = _plain_id(subject.id_cipher) if person else ""
    return (
        subject.name,
        kind,
        subject.uscc or "",
        "" if person else subject.legal_rep,
        "身份证" if id_number else "",
        id_number,
    )


def stored_subject(record: Record) -> tuple[str, ...]:
    """The subject columns of a stored commitment record, as SUBJECT_FIELDS."""
    data = record.data or {}
    return tuple(
        _plain_id(data.get(code)) if code == ID_NUMBER else str(data.get(code) or "")
        for code in SUBJECT_FIELDS
    )


def commitment_row(
    *,
    code: str,
    kind: str,
    subject: tuple[str, ...],
    made_on: dt.date,
    department,
    reason: str,
    text: str,
    matter: str,
    due_on: dt.date | None = None,
    public: bool = True,
    state: str = Fulfilment.PENDING,
    verified_on: dt.date | None = None,
    breach_note: str = "",
) -> dict[str, str]:
    row = dict(zip(SUBJECT_FIELDS, subject, strict=True))
    row.update(
        {
            CODE: code,
            KIND: CommitmentKind(kind).label,
            MADE_ON: made_on.isoformat(),
            AUTHORITY: department.name,
            AUTHORITY_USCC: department.uscc,
            REASON: reason,
            TEXT: text,
            MATTER: matter,
            DUE: due_on.isoformat() if due_on else "",
            STATE: Fulfilment(state).label,
            VERIFIED_ON: verified_on.isoformat() if verified_on else "",
            BREACH_NOTE: breach_note,
            PUBLIC: YES if public else NO,
            SOURCE: department.name,
            SOURCE_USCC: department.uscc,
        }
    )
    return {key: value for key, value in row.items() if value}


def record_row(record: Record, **changes) -> dict[str, str]:
    """The stored commitment record as a row, with `changes` (state, verified_on,
    breach_note) applied: the new version the verification sends."""
    data = record.data or {}
    commitment = Commitment.objects.get(record=record)
    return commitment_row(
        code=record.doc_number,
        kind=commitment.kind,
        subject=stored_subject(record),
        made_on=commitment.made_on,
        department=record.department,
        reason=str(data.get(REASON) or ""),
        text=str(data.get(TEXT) or ""),
        matter=str(data.get(MATTER) or ""),
        due_on=_date(data.get(DUE)),
        public=str(data.get(PUBLIC) or YES) == YES,
        **changes,
    )


def breach_row(
    commitment: Commitment,
    *,
    facts: str,
    decision: str,
    decided_on: dt.date,
    severity: str,
) -> dict[str, str]:
    """The 违背信用承诺 record of a broken commitment, naming it by its 承诺编码."""
    subject = (
        stored_subject(commitment.record)
        if commitment.record is not None
        else subject_values(commitment.subject)
    )
    department = commitment.department
    row = dict(zip(BREACH_SUBJECT_FIELDS, subject, strict=True))
    row.update(
        {
            "WB_CNBM": commitment.code,
            "WB_CNSX": commitment.matter,
            "WB_RDWSH": decision,
            "WB_SXSS": facts,
            "WB_RDRQ": decided_on.isoformat(),
            "WB_RDJG": department.name,
            "WB_RDJGDM": department.uscc,
            "WB_SJLY": department.name,
            "WB_SJLYDM": department.uscc,
            "WB_SXYZCD": severity,
        }
    )
    return {key: value for key, value in row.items() if value}
