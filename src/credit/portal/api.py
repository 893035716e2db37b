"""Public read API: subject search and credit profiles, anonymous and rate-limited.

Same visibility and masking as the portal pages: answers are built by `portal.present`
from the publicity engine's `public_records`.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponseRedirect
from ninja import Query, Router, Schema, Status
from pydantic import Field as PydanticField

from credit import facts
from credit.core.errors import NotFound
from credit.lists.queries import public_entries_of
from credit.portal import disputes, present
from credit.subjects import queries as subjects
from credit.subjects.search import search_subjects

router = Router(tags=["公开查询"], auth=None)


class Problem(Schema):
    code: str
    message: str


class SubjectHitOut(Schema):
    id: str
    name: str
    kind: str
    kind_name: str
    region: str
    uscc: str
    licences: int
    penalties: int


class SearchOut(Schema):
    query: str
    page: int
    pages: int
    total: int
    truncated: bool
    items: list[SubjectHitOut]


class FieldOut(Schema):
    label: str
    value: str


class RecordOut(Schema):
    id: str
    dataset: str
    doc_number: str
    authority: str
    decision_date: dt.date
    category: str
    content: str
    public_until: dt.date | None
    fields: list[FieldOut]
    disputed: bool = PydanticField(False, description="异议标注：存在已受理尚未办结的异议")


class ListEntryOut(Schema):
    list_code: str
    list_name: str
    decision_number: str
    decision_date: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    authority: str
    disputed: bool = PydanticField(False, description="异议标注：存在已受理尚未办结的异议")


class ProfileOut(Schema):
    id: str
    name: str
    kind: str
    kind_name: str
    uscc: str
    legal_rep: str
    id_number: str
    region: str
    updated: dt.date | None
    licences: list[RecordOut]
    penalties: list[RecordOut]
    redlist: list[ListEntryOut]
    blacklist: list[ListEntryOut]


class SearchParams(Schema):
    q: str
    page: int = 1


@router.get(
    "/subjects",
    response={200: SearchOut, 429: Problem},
    summary="信用主体查询",
    description="按名称（支持部分名称、全角/半角、括号与空格差异）或18位统一社会信用代码查询。"
    "自然人不支持按姓名查询。每页25条。",
)
def search(request, params: Query[SearchParams]):
    result = search_subjects(
        params.q, params.page, count_records=present.count_public, public_only=True
    )
    return {
        "query": result.query,
        "page": result.page,
        "pages": result.pages,
        "total": result.total,
        "truncated": result.truncated,
        "items": [
            {
                "id": h.public_id,
                "name": h.name,
                "kind": h.kind,
                "kind_name": h.kind_name,
                "region": h.region,
                "uscc": h.uscc,
                "licences": h.licences,
                "penalties": h.penalties,
            }
            for h in result.hits
        ],
    }


def _record(r: present.PublicRecord, disputed: set[str] = frozenset()) -> dict:
    return {
        "disputed": r.token in disputed,
        "id": r.token,
        "dataset": r.dataset_code,
        "doc_number": r.doc_number,
        "authority": r.authority,
        "decision_date": r.decision_date,
        "category": r.category,
        "content": r.content,
        "public_until": r.public_until,
        "fields": [{"label": f.label, "value": f.value} for f in r.fields],
    }


@router.get(
    "/subjects/{public_id}",
    response={200: ProfileOut, 404: Problem, 429: Problem},
    summary="信用档案",
    description="信用主体的基本信息、公示期内的行政许可和行政处罚，以及现行红黑名单。自然人姓名仅保留姓氏，"
    "身份证号码脱敏；法定代表人证件号码不予公开。已被合并的主体以 302 转到保留主体的地址。",
)
def profile(request, public_id: str):
    try:
        subject = subjects.get_by_public_id(public_id)
    except NotFound:
        subject = None
    if subject is not None and subject.merged_into_id is not None:
        # Merged by the credit office: its records are the survivor's profile now.
        survivor = subjects.surviving(subject)
        return HttpResponseRedirect(request.path.replace(public_id, survivor.public_id, 1))
    shown = present.profile(subject, with_fields=True) if subject else None
    entries = public_entries_of(subject) if subject else []
    if shown is None and entries:
        # A subject with nothing but a public list entry still has a public profile.
        shown = present.profile(subject, with_fields=True, allow_empty=True)
    if shown is None:
        return Status(404, {"code": "not_found", "message": "未找到该信用主体"})
    disputed = disputes.record_tokens([*shown.licences, *shown.penalties])
    entries_disputed = facts.disputed(facts.LIST_ENTRY, [e.pk for e in entries])
    return {
        "id": shown.public_id,
        "name": shown.name,
        "kind": shown.kind,
        "kind_name": shown.kind_name,
        "uscc": shown.uscc,
        "legal_rep": shown.legal_rep,
        "id_number": shown.id_number,
        "region": shown.region,
        "updated": shown.updated,
        "licences": [_record(r, disputed) for r in shown.licences],
        "penalties": [_record(r, disputed) for r in shown.penalties],
        "redlist": [_entry(e, entries_disputed) for e in entries if e.list_type.color == "red"],
        "blacklist": [_entry(e, entries_disputed) for e in entries if e.list_type.color == "black"],
    }


def _entry(e, disputed: set[int] = frozenset()) -> dict:
    return {
        "disputed": e.pk in disputed,
        "list_code": e.list_type.code,
        "list_name": e.list_type.name,
        "decision_number": e.decision_number,
        "decision_date": e.decision_date,
        "period_start": e.period_start,
        "period_end": e.period_end,
        "authority": e.authority_name or (e.department.name if e.department_id else ""),
    }
