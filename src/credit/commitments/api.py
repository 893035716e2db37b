"""Departments' systems and commitments: list, read, register, verify (scope
`commitments:write`). Commitments can also be sent in bulk as the `commitment` dataset
(`POST /api/v1/batches`, `POST /api/v1/records`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.paginator import Paginator
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from credit.accounts.apiauth import api_auth, require_scope
from credit.accounts.models import Department, Scope
from credit.api_docs import json_example
from credit.commitments import permissions, queries, services
from credit.commitments.filters import CommitmentFilter, first_problem
from credit.commitments.models import Commitment, CommitmentKind
from credit.core.apitypes import CleanStr
from credit.core.apitypes import Problem as ErrorOut
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.records.models import Severity

router = Router(tags=["信用承诺"], auth=api_auth)

READ_PURPOSE = "信用承诺接口查询"
PAGE_SIZE_MAX = 100


class ProblemOut(Schema):
    field: str = Field(description="出错的字段（中文字段名或请求参数）；空表示整条承诺")
    message: str


class InvalidOut(ErrorOut):
    details: list[ProblemOut] = Field([], description="逐项问题")


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut}
WRITE_ERRORS = {**ERRORS, 400: ErrorOut, 409: ErrorOut}


class CommitmentOut(Schema):
    id: int = Field(description="承诺编号（用于读取、核查）")
    code: str = Field(description="承诺编码：6 位行政区划代码 + 8 位日期 + 6 位流水号")
    kind: str = Field(description="承诺类型代码：approval、voluntary、industry、repair")
    kind_label: str = Field(description="审批替代型、主动型、行业自律型、信用修复型")
    subject_name: str
    subject_uscc: str = Field("", description="主体统一社会信用代码（自然人为空，证件号码不返回）")
    department: str = Field(description="受理单位")
    made_on: dt.date = Field(description="承诺日期")
    matter: str = Field(description="承诺事项")
    reason: str = Field(description="承诺事由")
    text: str = Field(description="承诺内容")
    public: bool = Field(description="是否向社会公开")
    due_on: dt.date | None = Field(None, description="核查期限（含当日）；空表示无需按期核查")
    due_state: str = Field(description="今日核查情况：overdue、due、no_due、verified")
    due_state_label: str = Field(description="逾期未核查、待核查、无核查期限、已核查")
    state: str = Field(description="履约状态代码：pending、kept、broken")
    state_label: str = Field(description="未到期、履约、失信")
    verified_on: dt.date | None = None
    verified_by: str = ""
    verification_note: str = ""
    breach_facts: str = Field("", description="失信事实（失信时）")
    decision_number: str = Field("", description="失信认定文书号（失信时）")
    breach_record_id: int | None = Field(
        None, description="失信时生成的违背信用承诺记录编号（可用 GET /api/v1/records/{id} 读取）"
    )
    record_id: int | None = Field(None, description="承诺记录编号")


class CommitmentPage(Schema):
    count: int
    page: int
    pages: int
    items: list[CommitmentOut]


class ListQuery(Schema):
    due: Literal["overdue", "due", "no_due", "verified"] | None = Field(
        None,
        description="今日核查情况：overdue 逾期未核查、due 待核查、no_due 无核查期限、verified 已核查",
    )
    state: Literal["pending", "kept", "broken"] | None = Field(
        None, description="履约状态：pending 未到期、kept 履约、broken 失信"
    )
    kind: Literal["approval", "voluntary", "industry", "repair"] | None = Field(
        None, description="承诺类型"
    )
    made_from: dt.date | None = Field(None, description="承诺日期自（含）")
    made_to: dt.date | None = Field(None, description="承诺日期至（含）")
    subject: CleanStr | None = Field(
        None, max_length=200, description="主体名称（包含）、统一社会信用代码或承诺编码"
    )
    department: int | None = Field(None, description="受理单位编号（仅信用办可指定）")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=PAGE_SIZE_MAX)


class SubjectIn(Schema):
    name: CleanStr = Field(min_length=1, max_length=200, description="承诺主体名称")
    kind: Literal["法人及非法人组织", "个体工商户", "自然人"] = Field(description="承诺主体类别")
    uscc: CleanStr = Field(
        "", max_length=18, description="统一社会信用代码（法人及非法人组织必填）"
    )
    legal_rep: CleanStr = Field("", max_length=50, description="法定代表人（负责人）")
    id_number: CleanStr = Field("", max_length=18, description="身份证号码（自然人必填，不予公开）")


class CreateIn(Schema):
    subject: SubjectIn
    kind: Literal["approval", "voluntary", "industry"] = Field(
        description="承诺类型：approval 审批替代型、voluntary 主动型、industry 行业自律型"
        "（信用修复型由平台在信用修复申请中生成）"
    )
    made_on: dt.date = Field(description="承诺日期")
    matter: CleanStr = Field(max_length=200, description="承诺事项，如对应的行政许可事项")
    reason: CleanStr = Field(max_length=500, description="承诺事由")
    text: str = Field(max_length=4000, description="承诺内容")
    due_on: dt.date | None = Field(
        None, description="核查期限；审批替代型不填时按平台设定的工作日数自承诺日期起算"
    )
    public: bool = Field(True, description="是否向社会公开（主动型必须公开）")
    code: CleanStr = Field(
        "", max_length=20, description="承诺编码；不填时由平台按受理单位行政区划和承诺日期编号"
    )
    department: int | None = Field(None, description="受理单位编号（仅信用办可代其他单位登记）")


class VerifyIn(Schema):
    result: Literal["kept", "broken"] = Field(description="核查结果：kept 履约、broken 失信")
    note: str = Field("", max_length=4000, description="核查说明（履约时）")
    facts: str = Field("", max_length=4000, description="失信事实（失信时必填）")
    decision: CleanStr = Field("", max_length=128, description="失信认定文书号（失信时必填）")
    severity: Literal["轻微", "一般", "严重"] = Field(
        "一般", description="违背信用承诺记录的失信严重程度，默认一般"
    )


CREATE_EXAMPLE = {
    "subject": {
        "name": "本溪市示例食品有限公司",
        "kind": "法人及非法人组织",
        "uscc": "91210502MA0000001E",
        "legal_rep": "李四",
    },
    "kind": "approval",
    "made_on": "2026-11-20",
    "matter": "食品经营许可",
    "reason": "申请食品经营许可，以承诺替代经营场所证明材料",
    "text": "本单位承诺所提交材料真实有效，如有虚假愿承担相应法律责任。",
    "due_on": "2026-12-18",
    "public": True,
}
VERIFY_EXAMPLE = {
    "result": "broken",
    "facts": "经现场核查，申请人承诺的经营场所不存在",
    "decision": "本市监信〔2026〕8号",
    "severity": "一般",
}


def _actor(request):
    require_scope(request, Scope.COMMITMENTS_WRITE)
    actor = request.actor
    if not permissions.can_list_commitments(actor):
        raise PermissionDenied("当前身份未关联受理单位，没有信用承诺")
    return actor


def commitment_out(commitment: Commitment, today: dt.date) -> dict[str, Any]:
    due = queries.due_state(commitment, today)
    return {
        "id": commitment.pk,
        "code": commitment.code,
        "kind": commitment.kind,
        "kind_label": commitment.get_kind_display(),
        "subject_name": commitment.subject.name,
        "subject_uscc": commitment.subject.uscc or "",
        "department": commitment.department.name,
        "made_on": commitment.made_on,
        "matter": commitment.matter,
        "reason": commitment.reason,
        "text": commitment.text,
        "public": commitment.public,
        "due_on": commitment.due_on,
        "due_state": due,
        "due_state_label": queries.DUE_LABELS[due],
        "state": commitment.state,
        "state_label": commitment.get_state_display(),
        "verified_on": commitment.verified_on,
        "verified_by": commitment.verified_by,
        "verification_note": commitment.verification_note,
        "breach_facts": commitment.breach_facts,
        "decision_number": commitment.decision_number,
        "breach_record_id": commitment.breach_record_id,
        "record_id": commitment.record_id,
    }


@router.get(
    "/commitments",
    response={200: CommitmentPage, **ERRORS},
    summary="信用承诺列表",
    description="本单位受理的信用承诺（信用办可查看全部单位，并可按单位筛选）：未核查的在前，按核查期限"
    "先后排列。可按今日核查情况（逾期未核查、待核查、无核查期限、已核查；核查期限当日仍在期限内，"
    "节假日按平台工作日历）、履约状态、承诺类型、承诺日期、主体名称、统一社会信用代码或承诺编码筛选。"
    "非公开承诺的读取记入访问日志。需要权限范围 commitments:write。\n\n"
    "示例：`GET /api/v1/commitments?due=overdue&page=1`",
)
def list_commitments(request, filters: Query[ListQuery]):
    actor = _actor(request)
    sees_all = permissions.sees_every_department(actor)
    params = {
        key: value.isoformat() if isinstance(value, dt.date) else str(value)
        for key, value in filters.model_dump().items()
        if value not in (None, "") and key not in ("page", "page_size")
    }
    if "department" in params and not sees_all:
        raise PermissionDenied("只有信用办可以查看其他单位的信用承诺")
    filterset = CommitmentFilter(
        params, queryset=queries.of_actor(actor), sees_every_department=sees_all
    )
    if not filterset.is_valid():
        raise ServiceError("invalid_filter", first_problem(filterset), status=422)
    paginator = Paginator(filterset.qs, filters.page_size)
    items = (
        list(paginator.page(filters.page).object_list)
        if filters.page <= paginator.num_pages
        else []
    )
    queries.log_read(actor, items, READ_PURPOSE)
    today = timezone.localdate()
    return {
        "count": paginator.count,
        "page": filters.page,
        "pages": paginator.num_pages,
        "items": [commitment_out(c, today) for c in items],
    }


@router.get(
    "/commitments/{commitment_id}",
    response={200: CommitmentOut, **ERRORS},
    summary="读取信用承诺",
    description="一条信用承诺：内容、核查期限与今日核查情况、履约状态，失信时的失信事实、认定文书号和"
    "违背信用承诺记录编号。其他单位的承诺返回 404。需要权限范围 commitments:write。",
)
def get_commitment(request, commitment_id: int):
    actor = _actor(request)
    commitment = queries.one(actor, commitment_id)
    queries.log_read(actor, [commitment], READ_PURPOSE)
    return commitment_out(commitment, timezone.localdate())


def _department(actor, wanted: int | None):
    if wanted is None:
        if actor.department_id is None:
            raise ServiceError("department_required", "请指定受理单位（department）")
        return Department.objects.get(pk=actor.department_id)
    if not 0 < wanted < 2**63:
        raise NotFound("受理单位不存在")
    department = Department.objects.filter(pk=wanted).first()
    if department is None:
        raise NotFound("受理单位不存在")
    return department


@router.post(
    "/commitments",
    response={201: CommitmentOut, **WRITE_ERRORS},
    summary="登记信用承诺",
    description="登记一条本单位受理的信用承诺（审批替代型、主动型、行业自律型）。按信息事项 commitment "
    "的目录规则校验，与文件导入相同的中文提示；承诺编码不填时由平台编号。内容有误返回 422（details "
    "逐项说明字段和问题），本单位该事项有批次正在处理返回 409。成批报送请用 POST /api/v1/records "
    "（dataset=commitment）。需要权限范围 commitments:write。",
    openapi_extra=json_example(CREATE_EXAMPLE),
)
def create_commitment(request, payload: CreateIn):
    actor = _actor(request)
    department = _department(actor, payload.department)
    s = payload.subject
    commitment = services.record_commitment(
        actor,
        department=department,
        subject=(s.name, s.kind, s.uscc, s.legal_rep, "身份证" if s.id_number else "", s.id_number),
        kind=CommitmentKind(payload.kind),
        made_on=payload.made_on,
        reason=payload.reason,
        text=payload.text,
        matter=payload.matter,
        due_on=payload.due_on,
        public=payload.public,
        code=payload.code,
    )
    return 201, commitment_out(queries.one(actor, commitment.pk), timezone.localdate())


@router.post(
    "/commitments/{commitment_id}/verify",
    response={200: CommitmentOut, **WRITE_ERRORS},
    summary="核查信用承诺（履约/失信）",
    description="登记告知承诺的核查结果。履约（kept）：承诺记录生成履约状态为“履约”的新版本。失信"
    "（broken，须填写失信事实和失信认定文书号）：同时生成违背信用承诺记录（不良信息，失信严重程度默认"
    "一般），与行政处罚一样公示、共享、进入信用核查，并通知已接收该主体信息的系统；承诺记录生成履约"
    "状态为“失信”的新版本，历史版本保留。已认定失信的返回 409。需要权限范围 commitments:write。",
    openapi_extra=json_example(VERIFY_EXAMPLE),
)
def verify_commitment(request, commitment_id: int, payload: VerifyIn):
    actor = _actor(request)
    commitment = queries.one(actor, commitment_id)
    if payload.result == "kept":
        services.mark_kept(commitment, actor=actor, note=payload.note)
    else:
        services.mark_broken(
            commitment,
            facts=payload.facts,
            decision=payload.decision,
            actor=actor,
            severity=Severity(payload.severity),
        )
    return commitment_out(queries.one(actor, commitment_id), timezone.localdate())
