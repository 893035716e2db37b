"""Sharing API: the records of a subject that government departments may receive."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field as PydanticField

from credit.accounts.apiauth import api_auth, require_scope
from credit.catalog import queries as catalog
from credit.core.errors import NotFound
from credit.core.masking import mask_id_number
from credit.records import queries
from credit.subjects.models import Subject

router = Router(tags=["信用信息共享"], auth=api_auth)


class SharedField(Schema):
    code: str
    label: str
    value: str


class SharedRecord(Schema):
    dataset: str
    dataset_name: str
    department: str
    document_number: str
    decision_date: dt.date
    severity: str
    visibility: str
    version: int
    fields: list[SharedField]


class SharedOut(Schema):
    subject_id: str
    name: str
    kind: str
    uscc: str | None
    records: list[SharedRecord]


class Purpose(Schema):
    purpose: str = PydanticField(
        ..., min_length=2, max_length=200, description="查询用途（写入查询日志）"
    )


def _subject(key: str) -> Subject:
    key = key.strip().upper() if len(key.strip()) == 18 else key.strip()
    subject = (
        Subject.objects.filter(uscc=key).first() or Subject.objects.filter(public_id=key).first()
    )
    if subject is None:
        raise NotFound("未找到该信用主体")
    return subject


def _fields(record) -> list[dict]:
    out = []
    for field in catalog.fields_of(record.dataset_version):
        value = record.data.get(field.code, "")
        if not value:
            continue
        if field.masking == "id_number":
            # Stored encrypted; sharing sends it masked, never in clear.
            from credit.core.fieldcrypto import decrypt_id

            value = mask_id_number(decrypt_id(value))
        out.append({"code": field.code, "label": field.label, "value": str(value)})
    return out


@router.get(
    "/subjects/{key}/records",
    response=SharedOut,
    summary="查询信用主体的共享信用记录",
    # Shown in the API docs (ninja would show the English docstring instead).
    description="按统一社会信用代码或主体公开标识查询。每次调用都写入查询日志。",
)
def shared_records(request, key: str, params: Query[Purpose]):
    """By USCC or the subject's public id. Every call is written to the access log."""
    require_scope(request, "records:read")
    subject = _subject(key)
    records = queries.shared_records(request.actor, subject, purpose=params.purpose)
    return {
        "subject_id": subject.public_id,
        "name": subject.name,
        "kind": subject.get_kind_display(),
        "uscc": subject.uscc,
        "records": [
            {
                "dataset": r.dataset.code,
                "dataset_name": r.dataset_version.name,
                "department": r.department.name,
                "document_number": r.doc_number,
                "decision_date": r.decision_date,
                "severity": r.severity,
                "visibility": r.get_visibility_display(),
                "version": r.version_no,
                "fields": _fields(r),
            }
            for r in records[:500]
        ],
    }
