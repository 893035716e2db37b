"""Public read API: subject search and credit profiles, anonymous and rate-limited.

Same visibility and masking as the portal pages: answers are built by `portal.present`
from the publicity engine's `public_records`.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponseRedirect
from ninja import Field, Query, Router, Schema, Status

from credit import facts
from credit.core.apitypes import Problem
from credit.core.errors import NotFound
from credit.lists.queries import public_entries_of
from credit.portal import disputes, present, profile_page
from credit.portal.opaque import entry_token
from credit.subjects import queries as subjects
from credit.subjects.search import search_subjects

router = Router(tags=["公开查询"], auth=None)


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
    disputed: bool = Field(False, description="异议标注：存在已受理尚未办结的异议")


class ListEntryOut(Schema):
    id: str = Field(
        description="名单条目 id（不透明标识）：用于提出异议、信用修复自查和申请信用修复"
    )
    list_code: str
    list_name: str
    decision_number: str
    decision_date: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    authority: str
    disputed: bool = Field(False, description="异议标注：存在已受理尚未办结的异议")


class CellOut(Schema):
    label: str = Field(description="字段中文名称（目录中的字段名）")
    value: str = Field(description="字段值（已脱敏）")


class SectionRecordOut(Schema):
    id: str = Field(description="信息标识，用于 /publicity/records/{id}/ 详情页")
    dataset: str = Field(description="信息事项代码（公共信用信息目录）")
    fields: list[CellOut] = Field(description="该信息事项在列表中展示的字段（目录 display.list）")
    disputed: bool = Field(False, description="异议标注：存在已受理尚未办结的异议")


class SectionDatasetOut(Schema):
    dataset: str = Field(description="信息事项代码")
    name: str = Field(description="信息事项名称")
    total: int = Field(description="公示中的信息总数")
    records: list[SectionRecordOut] = Field(description="最近的信息（每个事项最多20条）")


class SectionOut(Schema):
    title: str = Field(description="栏目名称：基本信息、行政管理、诚实守信、严重失信主体名单等")
    basic: list[CellOut] = Field(description="基本信息（仅“基本信息”栏目）")
    datasets: list[SectionDatasetOut] = Field(description="栏目中的信息事项")
    entries: list[ListEntryOut] = Field(
        description="名单信息：诚实守信栏目为守信激励（红名单），严重失信主体名单栏目为失信惩戒（黑名单）"
    )


_SECTIONS_EXAMPLE = [
    {
        "title": "基本信息",
        "basic": [
            {"label": "名称", "value": "本溪市示例钢铁有限公司"},
            {"label": "统一社会信用代码", "value": "91210500MA0XXXXXX1"},
        ],
        "datasets": [],
        "entries": [],
    },
    {
        "title": "行政管理",
        "basic": [],
        "datasets": [
            {
                "dataset": "penalty",
                "name": "行政处罚",
                "total": 1,
                "records": [
                    {
                        "id": "Xk2v…",
                        "dataset": "penalty",
                        "fields": [
                            {"label": "行政处罚决定书文号", "value": "本市监罚〔2026〕901号"},
                            {"label": "处罚类别", "value": "罚款"},
                        ],
                    }
                ],
            }
        ],
        "entries": [],
    },
]


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
    sections: list[SectionOut] = Field(
        description="信用档案各栏目，顺序同信用中国信用报告：基本信息、行政管理（许可、处罚、强制）、"
        "诚实守信、严重失信主体名单、经营异常、信用评价、司法判决、其他。每条信息带信息事项代码及其展示字段。",
        json_schema_extra={"example": _SECTIONS_EXAMPLE},
    )


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
    description="信用主体的信用档案：sections 按信用中国信用报告的栏目列出基本信息、公示期内的各类信用信息"
    "（每条带信息事项代码和展示字段）及现行红黑名单；licences、penalties、redlist、blacklist 为兼容旧版的字段。自然人姓名仅保留姓氏，"
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
    data = profile_page.load(public_id) if subject else None
    page = present.profile_page(public_id, data) if data else None
    if page is None:
        return Status(404, {"code": "not_found", "message": "未找到该信用主体"})
    entries = public_entries_of(subject)
    legacy = present.records_by_alias(subject, ("licences", "penalties"))
    disputed = disputes.record_tokens([*legacy["licences"], *legacy["penalties"]])
    entries_disputed = facts.disputed(facts.LIST_ENTRY, [e.pk for e in entries])
    basic = dict(next(s.basic for s in page.sections if s.basic))
    person = page.is_person
    return {
        "id": page.public_id,
        "name": page.name,
        "kind": subject.kind,
        "kind_name": page.kind_name,
        "uscc": subject.uscc or "",
        "legal_rep": "" if person else subject.legal_rep,
        "id_number": basic.get("身份证号码", "") if person else "",
        "region": basic.get("所属地区", ""),
        "updated": page.updated,
        "licences": [_record(r, disputed) for r in legacy["licences"]],
        "penalties": [_record(r, disputed) for r in legacy["penalties"]],
        "redlist": [_entry(e, entries_disputed) for e in entries if e.list_type.color == "red"],
        "blacklist": [_entry(e, entries_disputed) for e in entries if e.list_type.color == "black"],
        "sections": [_section(s) for s in page.sections],
    }


def _section(section) -> dict:
    return {
        "title": section.title,
        "basic": [{"label": label, "value": value} for label, value in section.basic],
        "datasets": [
            {
                "dataset": d.code,
                "name": d.name,
                "total": d.total,
                "records": [
                    {
                        "id": r.token,
                        "dataset": d.code,
                        "fields": [{"label": c.label, "value": c.value} for c in r.cells],
                        "disputed": r.disputed,
                    }
                    for r in d.rows
                ],
            }
            for d in section.datasets
        ],
        "entries": [_entry_row(e) for e in section.entries],
    }


def _entry_row(e) -> dict:
    return {
        "id": entry_token(e.pk),
        "list_code": e.list_code,
        "list_name": e.list_name,
        "decision_number": e.decision_number,
        "decision_date": e.decision_date,
        "period_start": e.period_start,
        "period_end": e.period_end,
        "authority": e.authority,
        "disputed": e.disputed,
    }


def _entry(e, disputed: set[int] = frozenset()) -> dict:
    return {
        "id": entry_token(e.pk),
        "disputed": e.pk in disputed,
        "list_code": e.list_type.code,
        "list_name": e.list_type.name,
        "decision_number": e.decision_number,
        "decision_date": e.decision_date,
        "period_start": e.period_start,
        "period_end": e.period_end,
        "authority": e.authority_name or (e.department.name if e.department_id else ""),
    }
