"""更正: a corrected version of one stored record, entered in the console or sent by API.

A correction is the decision sent again with corrected content, so it takes the path every
row takes: the row is checked by the validator compiled from the dataset's current catalog
version (the same Chinese messages as a file import), then sent as a one-row JSON batch
through the pipeline, whose upsert keeps the old version in RecordHistory, recomputes the
publicity window, writes the `record_updated` change-log row with the changed fields and,
in the same transaction, the record's `corrected` event with a `record_corrected` row
carrying the reason. A department sending a corrected row in a file or an API push gets
the same event without a reason.

The fields that identify the decision (the business key, the sending department's code)
cannot be corrected: a wrong document number is a different decision, withdrawn and sent
anew. Personal ID numbers are never shown back: left empty, the stored number is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from credit.accounts import permissions
from credit.catalog import attributes
from credit.catalog import queries as catalog
from credit.catalog.models import DatasetVersion, Field
from credit.collection import services
from credit.collection.models import BatchState
from credit.collection.queries import batch_errors
from credit.collection.validation import RowValidator, map_header
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.core.fieldcrypto import FieldCryptoError, decrypt_id
from credit.core.masking import mask_id_number
from credit.records.models import Record

ID_MASKING = "id_number"
# Roles of the fields that name the decision and who sent it.
FIXED_ROLES = ("authority_uscc", "document_number", "source_uscc")


@dataclass(frozen=True)
class FormField:
    """One field of the correction form: its catalog field, the value shown, whether it
    may be changed."""

    field: Field
    value: str
    fixed: bool
    secret: bool


class CorrectionRefused(ServiceError):
    """The corrected content breaks the catalog's rules; `problems` is a list of
    (exchange code or "", Chinese message), nothing was stored."""

    def __init__(self, problems: list[tuple[str, str]]):
        shown = "；".join(message for _, message in problems[:5])
        super().__init__("correction_invalid", f"更正内容有误：{shown}", status=422)
        self.problems = problems
        self.details = [{"field": code, "message": message} for code, message in problems]


def version_for(record: Record) -> DatasetVersion:
    """A correction is sent under the dataset's current version, like any row sent today."""
    return catalog.current_version(record.dataset.code)


def fixed_codes(version: DatasetVersion, fields: list[Field]) -> set[str]:
    codes = {f.code for f in fields if f.role in FIXED_ROLES}
    codes.update(attributes.of_version(version).business_key)
    return codes


def _secret(field: Field) -> bool:
    return field.masking == ID_MASKING


def _plain(value) -> str:
    if not value:
        return ""
    try:
        return decrypt_id(value)
    except FieldCryptoError:
        return ""


def stored_values(record: Record, fields: list[Field]) -> dict[str, str]:
    """The record's content by exchange code, ID numbers decrypted: only ever sent back
    into the pipeline, never shown."""
    data = record.data or {}
    return {
        f.code: (_plain(data.get(f.code)) if _secret(f) else str(data.get(f.code) or ""))
        for f in fields
    }


def form_fields(record: Record) -> list[FormField]:
    """The fields of the correction form with the record's values, ID numbers masked."""
    version = version_for(record)
    fields = catalog.fields_of(version)
    fixed = fixed_codes(version, fields)
    data = record.data or {}
    shown = []
    for f in fields:
        if _secret(f):
            plain = _plain(data.get(f.code))
            value = mask_id_number(plain) if plain else ""
        else:
            value = str(data.get(f.code) or "")
        shown.append(FormField(f, value, f.code in fixed, _secret(f)))
    return shown


def _normalised(fields: list[Field], changes: dict) -> tuple[dict[str, str], list]:
    """Changes keyed by exchange code or Chinese label, as exchange code → text."""
    by_key = {}
    for f in fields:
        by_key[f.code] = f
        by_key[f.label] = f
    out, problems = {}, []
    for key, value in changes.items():
        f = by_key.get(str(key).strip())
        if f is None:
            problems.append(("", f"「{str(key)[:50]}」不是该信息事项的字段"))
            continue
        if value is not None and not isinstance(value, (str, int, float)):
            problems.append((f.code, f"「{f.label}」应为文本"))
            continue
        out[f.code] = "" if value is None else str(value).replace("\x00", "").strip()
    return out, problems


def correct(actor: Actor, record: Record, changes: dict, reason: str) -> Record:
    """Store a corrected version of `record`: `changes` maps fields (exchange code or
    label) to their corrected text; fields left out keep their value, and an empty ID
    number keeps the stored one. Refused whole, nothing stored, on any problem."""
    if permissions.is_auditor(actor):
        raise PermissionDenied("审计员不能修改信用记录")
    if not permissions.can_correct(actor, record):
        raise PermissionDenied("只能更正本单位报送的信用记录")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("reason_required", "请填写更正原因")
    if len(reason) > 1000:
        raise ServiceError("reason_too_long", "更正原因不能超过 1000 个字符")
    if record.withdrawn_at is not None:
        raise ServiceError(
            "withdrawn", "该记录已撤回，不能更正；如需重新公示请重新报送", status=409
        )
    if not isinstance(changes, dict) or not changes:
        raise ServiceError("no_changes", "请填写需要更正的内容")
    version = version_for(record)
    fields = catalog.fields_of(version)
    fixed = fixed_codes(version, fields)
    labels = {f.code: f.label for f in fields}
    secret = {f.code for f in fields if _secret(f)}
    stored = stored_values(record, fields)
    wanted, problems = _normalised(fields, changes)
    for code, value in wanted.items():
        if code in fixed and value != stored.get(code, ""):
            problems.append(
                (
                    code,
                    f"「{labels[code]}」标识该决定，不能更正；如填写有误，请撤回该记录后重新报送",
                )
            )
    if problems:
        raise CorrectionRefused(problems)
    row = dict(stored)
    for code, value in wanted.items():
        if code in secret and (not value or "*" in value):
            continue  # left empty (or the masked value shown): the stored number stays
        row[code] = value
    values = _validate(record, fields, row)
    if all(values.get(f.code, "") == stored.get(f.code, "") for f in fields):
        raise ServiceError("unchanged", "更正内容与现有记录相同，未作修改")
    batch = services.submit_rows(
        actor,
        dataset_code=record.dataset.code,
        department=record.department,
        items=[{code: value for code, value in row.items() if value != ""}],
        correction_note=reason,
    )
    if batch.state == BatchState.DONE and batch.updated_rows == 1:
        return Record.objects.get(pk=record.pk)
    if batch.state == BatchState.DONE and batch.unchanged_rows == 1:
        raise ServiceError("unchanged", "更正内容与现有记录相同，未作修改")
    if batch.state == BatchState.REJECTED:
        raise CorrectionRefused(
            [(_code_of(labels, e.column), e.message) for e in batch_errors(batch, 20)]
            or [("", batch.message)]
        )
    raise ServiceError("correction_failed", f"更正未能入库：{batch.message}", status=409)


def _code_of(labels: dict[str, str], column: str) -> str:
    return next((code for code, label in labels.items() if label == column), "")


def _validate(record: Record, fields: list[Field], row: dict[str, str]) -> dict[str, str]:
    """The row through the validator a file import of the same dataset uses; its
    normalised values (dates ISO) by exchange code."""
    header = [f.code for f in fields]
    columns = map_header(header, fields)
    validator = RowValidator(fields, record.department.uscc, timezone.localdate())
    result = validator.validate(1, [row.get(code, "") for code in header], columns)
    if result.problems:
        labels = {f.label: f.code for f in fields}
        raise CorrectionRefused([(labels.get(p.column, ""), p.message) for p in result.problems])
    return result.values
