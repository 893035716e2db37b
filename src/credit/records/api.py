"""Sharing API: the records of a subject that government departments may receive.

Every dataset whose 共享属性 lets departments receive it comes back (the kernel's sharing
rule, `records.queries.shared_records`), each record with its dataset code, the catalog's
category and profile section, and its fields: all shared fields, and the fields the
catalog displays on a record page (`display.record`) in that order. Nothing here names a
dataset.
"""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field as PydanticField

from credit import facts
from credit.accounts.apiauth import api_auth, require_scope
from credit.catalog import attributes
from credit.catalog import queries as catalog
from credit.core.errors import NotFound
from credit.core.masking import mask_id_number
from credit.records import queries
from credit.subjects.models import Subject

router = Router(tags=["信用信息共享"], auth=api_auth)


class SharedField(Schema):
    code: str = PydanticField(..., description="字段交换代码")
    label: str = PydanticField(..., description="字段中文名称")
    value: str = PydanticField(..., description="字段值（身份证号等已脱敏）")


class SharedRecord(Schema):
    dataset: str = PydanticField(..., description="信息事项代码（目录中的代码）")
    dataset_name: str = PydanticField(..., description="信息事项名称")
    category: str = PydanticField(..., description="信息类别：基础、良好或不良")
    section: str = PydanticField(..., description="信用档案栏目（如 行政管理、诚实守信、经营异常）")
    department: str
    document_number: str
    decision_date: dt.date
    severity: str
    visibility: str
    version: int
    fields: list[SharedField] = PydanticField(..., description="共享的全部字段（有值的）")
    displayed: list[SharedField] = PydanticField(
        ..., description="目录规定在记录详情中展示的字段，按展示顺序"
    )
    disputed: bool = PydanticField(
        False, description="异议标注：该记录存在已受理尚未办结的异议（异议处理中）"
    )


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
    described: dict[int, attributes.Attributes] = {}  # per dataset version, for this answer
    shown = list(records[:500])
    disputed = facts.disputed(facts.RECORD, [r.pk for r in shown])
    return {
        "subject_id": subject.public_id,
        "name": subject.name,
        "kind": subject.get_kind_display(),
        "uscc": subject.uscc,
        "records": [_record_out(r, described, r.pk in disputed) for r in shown],
    }


def _record_out(record, described: dict, disputed: bool = False) -> dict:
    version = record.dataset_version
    meaning = described.get(version.pk)
    if meaning is None:
        meaning = described[version.pk] = attributes.of_version(version)
    fields = _fields(record)
    by_code = {f["code"]: f for f in fields}
    return {
        "dataset": record.dataset.code,
        "dataset_name": version.name,
        "category": meaning.category or version.category,
        "section": meaning.section,
        "department": record.department.name,
        "document_number": record.doc_number,
        "decision_date": record.decision_date,
        "severity": record.severity,
        "visibility": record.get_visibility_display(),
        "version": record.version_no,
        "fields": fields,
        "displayed": [by_code[code] for code in meaning.record_fields if code in by_code],
        "disputed": disputed,
    }
