"""A department's own records over the API: list, read, withdraw (撤回), correct (更正).

In collection, not records: a correction is a row sent again through the collection
pipeline (`collection.corrections`), which records sits below. Scope `records:write`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema

from credit.accounts import permissions
from credit.accounts.apiauth import api_auth, require_scope
from credit.api_docs import json_example
from credit.collection import corrections
from credit.core.apitypes import CleanStr
from credit.core.errors import PermissionDenied, ServiceError
from credit.records import queries
from credit.records import services as record_services
from credit.records.filters import DepartmentRecordFilter
from credit.records.models import Record, Visibility, WithdrawalBasis

router = Router(tags=["本单位记录"], auth=api_auth)

READ_PURPOSE = "本单位记录接口查询"
PAGE_SIZE_MAX = 100


class ErrorOut(Schema):
    code: str = Field(description="稳定的错误代码")
    message: str = Field(description="中文说明")


class ProblemOut(Schema):
    field: str = Field(description="出错的字段（交换代码或请求参数）；空表示整条记录")
    message: str


class InvalidOut(ErrorOut):
    details: list[ProblemOut] = Field([], description="逐项问题")


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut}
WRITE_ERRORS = {**ERRORS, 400: ErrorOut, 409: ErrorOut}


class WithdrawalOut(Schema):
    basis: str = Field(
        description="撤回依据：review 复议决定、judgment 诉讼判决、revocation 撤销决定、error 错误公示"
    )
    basis_label: str
    document_number: str
    document_date: dt.date | None
    reason: str
    at: Any
    actor: str


class RecordOut(Schema):
    id: int = Field(description="记录编号（用于读取、撤回、更正）")
    dataset: str = Field(description="信息事项代码")
    dataset_name: str
    department: str = Field(description="数据来源单位")
    subject_name: str
    subject_uscc: str = Field("", description="主体统一社会信用代码（自然人为空，证件号码不返回）")
    doc_number: str = Field(description="决定文书号")
    decision_date: dt.date
    severity: str
    state: str = Field(description="今日状态：public、pending、ended、not_published、withdrawn")
    state_label: str = Field(description="公示中、未到公示期、公示期满、未公示、已撤回")
    public_from: dt.date | None = Field(None, description="公示起始日")
    public_until: dt.date | None = Field(
        None, description="公示截止日（含当日；空且有起始日为长期）"
    )
    version: int = Field(description="当前版本号，每次更正加 1")
    updated_at: Any


class FieldValueOut(Schema):
    code: str = Field(description="交换代码")
    label: str
    value: str = Field(description="字段值；证件号码已脱敏")


class VersionOut(Schema):
    version: int
    decision_date: dt.date
    superseded_at: Any
    batch: str = Field(description="写入该版本的批次")
    superseded_by_batch: str = Field(description="以更正版本替换它的批次")


class VisibilityChangeOut(Schema):
    at: Any
    from_state: str
    to_state: str
    from_label: str
    to_label: str
    reason: str
    actor: str


class RecordDetailOut(RecordOut):
    fields: list[FieldValueOut]
    withdrawal: WithdrawalOut | None = None
    versions: list[VersionOut] = Field(description="被更正替换的历史版本，新的在前")
    visibility_history: list[VisibilityChangeOut] = Field(description="公示状态变更，新的在前")


class RecordPage(Schema):
    count: int
    page: int
    pages: int
    items: list[RecordOut]


class MineQuery(Schema):
    dataset: str | None = Field(None, description="信息事项代码，如 penalty")
    state: Literal["public", "pending", "ended", "not_published", "withdrawn"] | None = Field(
        None, description="今日状态"
    )
    decided_from: dt.date | None = Field(None, description="决定日期自（含）")
    decided_to: dt.date | None = Field(None, description="决定日期至（含）")
    subject: CleanStr | None = Field(
        None, max_length=200, description="主体名称（包含）或统一社会信用代码"
    )
    department: int | None = Field(None, description="数据来源单位编号（仅信用办可指定）")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=PAGE_SIZE_MAX)


class WithdrawIn(Schema):
    reason: CleanStr = Field(max_length=1000, description="撤回原因")
    basis: Literal["review", "judgment", "revocation", "error"] = Field(
        description="撤回依据：review 复议决定、judgment 诉讼判决、revocation 撤销决定、error 错误公示"
    )
    document_number: CleanStr = Field(
        "", max_length=128, description="依据文书号（错误公示可为空）"
    )
    document_date: dt.date | None = Field(None, description="依据文书日期（错误公示可为空）")


class CorrectIn(Schema):
    reason: CleanStr = Field(max_length=1000, description="更正原因")
    changes: dict[str, str] = Field(
        description="需要更正的字段（键为交换代码或中文字段名）及更正后的值；未列出的字段保持不变。"
        "决定文书号、决定机关代码等标识该决定的字段不能更正"
    )


WITHDRAW_EXAMPLE = {
    "reason": "原处罚决定已被行政复议决定撤销",
    "basis": "review",
    "document_number": "本政复决〔2026〕12号",
    "document_date": "2026-11-20",
}
CORRECT_EXAMPLE = {
    "reason": "罚款金额录入错误",
    "changes": {"处罚内容": "警告并处罚款3000元", "罚款金额（万元）": "0.3"},
}


def _actor(request):
    require_scope(request, permissions.SCOPE_RECORDS_WRITE)
    actor = request.actor
    if not permissions.can_list_department_records(actor):
        raise PermissionDenied("当前身份未关联报送单位，没有本单位记录")
    return actor


def record_out(record: Record) -> dict:
    state, label = queries.state_of(record)
    return {
        "id": record.pk,
        "dataset": record.dataset.code,
        "dataset_name": record.dataset.name,
        "department": record.department.name,
        "subject_name": record.subject.name if record.subject_id else "",
        "subject_uscc": (record.subject.uscc or "") if record.subject_id else "",
        "doc_number": record.doc_number,
        "decision_date": record.decision_date,
        "severity": record.severity,
        "state": state,
        "state_label": label,
        "public_from": record.public_from,
        "public_until": record.public_until,
        "version": record.version_no,
        "updated_at": record.updated_at,
    }


def _detail(record: Record) -> dict:
    labels = dict(Visibility.choices)
    withdrawal = getattr(record, "withdrawal", None) if record.withdrawn_at else None
    return {
        **record_out(record),
        "fields": [
            {"code": f.field.code, "label": f.field.label, "value": f.value}
            for f in corrections.form_fields(record)
        ],
        "withdrawal": (
            {
                "basis": withdrawal.basis,
                "basis_label": withdrawal.get_basis_display(),
                "document_number": withdrawal.document_number,
                "document_date": withdrawal.document_date,
                "reason": withdrawal.reason,
                "at": withdrawal.at,
                "actor": withdrawal.actor_label,
            }
            if withdrawal
            else None
        ),
        "versions": [
            {
                "version": h.version_no,
                "decision_date": h.decision_date,
                "superseded_at": h.superseded_at,
                "batch": str(h.batch.public_id),
                "superseded_by_batch": str(h.superseded_by_batch.public_id),
            }
            for h in queries.versions_of(record)
        ],
        "visibility_history": [
            {
                "at": c.at,
                "from_state": c.from_state,
                "to_state": c.to_state,
                "from_label": labels.get(c.from_state, c.from_state),
                "to_label": labels.get(c.to_state, c.to_state),
                "reason": c.reason,
                "actor": c.actor_label,
            }
            for c in queries.visibility_history(record)
        ],
    }


@router.get(
    "/records/mine",
    response={200: RecordPage, **ERRORS},
    summary="本单位记录列表",
    description="本单位报送的信用记录（信用办可查看全部单位，并可按单位筛选），按决定日期倒序分页。"
    "可按信息事项、今日状态（公示中、未到公示期、公示期满、未公示、已撤回）、决定日期、主体名称或"
    "统一社会信用代码筛选。返回中非公开记录的读取记入访问日志。需要权限范围 records:write。\n\n"
    "示例：`GET /api/v1/records/mine?dataset=penalty&state=public&page=1`",
)
def list_mine(request, filters: Query[MineQuery]):
    actor = _actor(request)
    sees_all = permissions.sees_every_department(actor)
    params = {
        key: value.isoformat() if isinstance(value, dt.date) else str(value)
        for key, value in filters.model_dump().items()
        if value not in (None, "") and key not in ("page", "page_size")
    }
    if "department" in params and not sees_all:
        raise PermissionDenied("只有信用办可以查看其他单位的记录")
    filterset = DepartmentRecordFilter(
        params, queryset=queries.department_records(actor), sees_every_department=sees_all
    )
    if not filterset.is_valid():
        field, problems = next(iter(filterset.errors.items()))
        label = filterset.filters[field].label if field in filterset.filters else field
        raise ServiceError(
            "invalid_filter", f"筛选条件「{label}」不正确：{problems[0]}", status=422
        )
    paginator = Paginator(filterset.qs, filters.page_size)
    page = paginator.get_page(filters.page)
    records = list(page.object_list) if filters.page <= paginator.num_pages else []
    queries.log_department_read(actor, records, READ_PURPOSE)
    return {
        "count": paginator.count,
        "page": filters.page,
        "pages": paginator.num_pages,
        "items": [record_out(r) for r in records],
    }


@router.get(
    "/records/{record_id}",
    response={200: RecordDetailOut, **ERRORS},
    summary="读取本单位记录",
    description="一条记录的当前内容（证件号码脱敏）、今日状态与公示期、撤回依据、被更正替换的历史版本"
    "和公示状态变更。其他单位的记录返回 404。非公开记录的读取记入访问日志。需要权限范围 records:write。",
)
def get_record(request, record_id: int):
    actor = _actor(request)
    record = queries.department_record(actor, record_id)
    queries.log_department_read(actor, [record], READ_PURPOSE)
    return _detail(record)


@router.post(
    "/records/{record_id}/withdraw",
    response={200: RecordDetailOut, **WRITE_ERRORS},
    summary="撤回记录",
    description="因复议决定、诉讼判决、撤销决定或错误公示撤回一条记录：立即停止公示和共享，记录连同"
    "历史保留在档案中，并通知已接收该记录的系统。须填写原因和依据文书（错误公示可不填文书）。"
    "信用办可撤回任何单位的记录。已撤回的返回 409。需要权限范围 records:write。",
    openapi_extra=json_example(WITHDRAW_EXAMPLE),
)
def withdraw_record(request, record_id: int, payload: WithdrawIn):
    actor = _actor(request)
    record = queries.department_record(actor, record_id)
    record_services.withdraw(
        actor,
        record,
        payload.reason,
        basis=WithdrawalBasis(payload.basis),
        document_number=payload.document_number,
        document_date=payload.document_date,
    )
    return _detail(queries.department_record(actor, record_id))


@router.post(
    "/records/{record_id}/correct",
    response={200: RecordDetailOut, **WRITE_ERRORS},
    summary="更正记录",
    description="提交一条记录的更正版本：按该信息事项的目录规则校验（与文件导入相同的校验和中文提示），"
    "原版本保留在历史版本中，版本号加 1，并通知已接收该记录的系统。内容有误返回 422（details 逐项"
    "说明字段和问题），已撤回或本单位该事项有批次正在处理返回 409。需要权限范围 records:write。",
    openapi_extra=json_example(CORRECT_EXAMPLE),
)
def correct_record(request, record_id: int, payload: CorrectIn):
    actor = _actor(request)
    record = queries.department_record(actor, record_id)
    corrections.correct(actor, record, payload.changes, payload.reason)
    return _detail(queries.department_record(actor, record_id))
