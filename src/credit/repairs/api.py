"""Repair API of the deciding department: its queue and actions (scope `repairs:decide`).
The public self-check is `portal.repairs_api`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Query, Router, Schema

from credit.accounts.apiauth import api_auth, require_scope
from credit.api_docs import json_example
from credit.audit.services import log_access
from credit.core.errors import NotFound
from credit.repairs import present, queries, services
from credit.repairs.models import RepairApplication

router = Router(tags=["信用修复办理"], auth=api_auth)
SCOPE = "repairs:decide"


# --- the deciding department ---------------------------------------------------------------


class ErrorOut(Schema):
    code: str
    message: str


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class QueueIn(Schema):
    state: Literal["submitted", "accepted", "rejected", "repaired", "refused", "revoked"] | None = (
        Field(None, description="办理状态")
    )
    overdue: bool = Field(False, description="只列超期未办的申请")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**6)


class StepOut(Schema):
    action: str
    state: str
    state_label: str
    at: dt.datetime
    actor: str
    note: str


class ApplicationOut(Schema):
    tracking_number: str
    state: str
    state_label: str
    subject_name: str
    subject_uscc: str
    department: str
    fact: dict[str, Any]
    applicant_name: str
    applicant_phone: str
    agent_name: str
    relationship: str
    statement: str
    commitment_signed_name: str
    commitment_at: dt.datetime
    submitted_at: dt.datetime
    accept_due: dt.date
    decide_due: dt.date | None
    extended: bool
    extension_reason: str
    overdue: bool
    outcome_reason: str
    barred_until: dt.date | None
    commitment_code: str = Field(..., description="信用修复承诺的承诺编码")
    revocation_document: str
    steps: list[StepOut]


class QueueOut(Schema):
    total: int
    items: list[ApplicationOut]


class NoteIn(Schema):
    note: str = Field("", max_length=2000, description="受理意见（可空）")


class ReasonIn(Schema):
    reason: str = Field(..., max_length=2000, description="理由")


class RevokeIn(Schema):
    reason: str = Field(..., max_length=2000, description="撤销理由（材料虚假的事实）")
    document_number: str = Field(..., max_length=128, description="撤销修复决定书文号")


class DecideIn(Schema):
    outcome: Literal["repair", "refuse"] = Field(
        ..., description="repair 准予修复；refuse 不予修复"
    )
    reason: str = Field(..., max_length=2000, description="决定理由")


APPLICATION_EXAMPLE = {
    "tracking_number": "XF2026122000012345",
    "state": "accepted",
    "state_label": "已受理",
    "subject_name": "本溪市测试商贸有限公司",
    "subject_uscc": "91210500MA0TEST00X",
    "department": "本溪市市场监督管理局",
    "fact": {
        "type": "record",
        "dataset": "penalty",
        "dataset_name": "行政处罚",
        "document_number": "本市监罚〔2026〕951号",
        "decision_date": "2026-08-01",
    },
    "applicant_name": "李四",
    "applicant_phone": "13800000000",
    "agent_name": "",
    "relationship": "法定代表人",
    "statement": "罚款已缴清，违法行为已整改",
    "commitment_signed_name": "李四",
    "commitment_at": "2026-12-18T10:00:00+08:00",
    "submitted_at": "2026-12-18T10:00:00+08:00",
    "accept_due": "2026-12-23",
    "decide_due": "2026-12-30",
    "extended": False,
    "extension_reason": "",
    "overdue": False,
    "outcome_reason": "",
    "barred_until": None,
    "commitment_code": "21050020261218000001",
    "revocation_document": "",
    "steps": [
        {
            "action": "accepted",
            "state": "accepted",
            "state_label": "已受理",
            "at": "2026-12-19T09:00:00+08:00",
            "actor": "张三（本溪市市场监督管理局）",
            "note": "材料齐全，身份已核验",
        }
    ],
}


def _response_example(example) -> dict:
    return {"responses": {"200": {"content": {"application/json": {"example": example}}}}}


def _get(request, tracking_number: str) -> RepairApplication:
    require_scope(request, SCOPE)
    app = queries.by_tracking_number(request.actor, tracking_number)
    if app is None:
        raise NotFound("未找到该信用修复申请")
    return app


def _read(request, app: RepairApplication, purpose: str) -> dict:
    log_access(request.actor, queries.ACCESS_RESOURCE, purpose, app.subject_id, app.subject.name)
    return present.for_department(app)


@router.get(
    "/repairs",
    response={200: QueueOut, **ERRORS},
    summary="信用修复申请列表",
    description="本部门（谁认定、谁修复）待办和已办的信用修复申请，按申请时间倒序；信用主管部门看到全部"
    "部门的申请。overdue=true 只列受理或决定超期的申请。需要权限范围 repairs:decide。",
    openapi_extra=_response_example({"total": 1, "items": [APPLICATION_EXAMPLE]}),
)
def list_applications(request, params: Query[QueueIn]):
    require_scope(request, SCOPE)
    rows = queries.queue(request.actor).prefetch_related("steps")
    if params.state:
        rows = rows.filter(state=params.state)
    if params.overdue:
        rows = rows.filter(queries.overdue())
    total = rows.count()
    page = list(rows[params.offset : params.offset + params.limit])
    for app in page:
        log_access(
            request.actor,
            queries.ACCESS_RESOURCE,
            "信用修复申请列表",
            app.subject_id,
            app.subject.name,
        )
    return {"total": total, "items": [present.for_department(app) for app in page]}


@router.get(
    "/repairs/{tracking_number}",
    response={200: ApplicationOut, **ERRORS},
    summary="读取一件信用修复申请",
    description="申请的主体、修复对象、申请人、承诺、各环节及期限。需要权限范围 repairs:decide。",
    openapi_extra=_response_example(APPLICATION_EXAMPLE),
)
def read_application(request, tracking_number: str):
    return _read(request, _get(request, tracking_number), "办理信用修复申请")


@router.post(
    "/repairs/{tracking_number}/accept",
    response={200: ApplicationOut, **ERRORS},
    summary="受理信用修复申请",
    description="核验申请人身份和材料后受理；决定期限自受理日起按工作日计算。需要权限范围 repairs:decide。",
    openapi_extra={
        **json_example({"note": "材料齐全，身份已核验"}),
        **_response_example(APPLICATION_EXAMPLE),
    },
)
def accept(request, tracking_number: str, body: NoteIn):
    app = services.accept(request.actor, _get(request, tracking_number), body.note)
    return _read(request, app, "受理信用修复申请")


@router.post(
    "/repairs/{tracking_number}/reject",
    response={200: ApplicationOut, **ERRORS},
    summary="不予受理信用修复申请",
    description="说明不予受理的理由（告知申请人）。需要权限范围 repairs:decide。",
    openapi_extra={
        **json_example({"reason": "未提供营业执照副本"}),
        **_response_example(APPLICATION_EXAMPLE),
    },
)
def reject(request, tracking_number: str, body: ReasonIn):
    app = services.reject(request.actor, _get(request, tracking_number), body.reason)
    return _read(request, app, "不予受理信用修复申请")


@router.post(
    "/repairs/{tracking_number}/extend",
    response={200: ApplicationOut, **ERRORS},
    summary="延长信用修复决定期限",
    description="已受理的申请可延长一次决定期限，须说明理由。需要权限范围 repairs:decide。",
    openapi_extra={
        **json_example({"reason": "需向税务部门核实缴款情况"}),
        **_response_example(APPLICATION_EXAMPLE),
    },
)
def extend(request, tracking_number: str, body: ReasonIn):
    app = services.extend(request.actor, _get(request, tracking_number), body.reason)
    return _read(request, app, "延长信用修复决定期限")


@router.post(
    "/repairs/{tracking_number}/decide",
    response={200: ApplicationOut, **ERRORS},
    summary="作出信用修复决定",
    description="outcome=repair 准予修复：该信息立即停止公示和共享，名单条目以“信用修复”方式移出，"
    "曾获取该信息的系统收到撤回通知；outcome=refuse 不予修复。均须说明理由。需要权限范围 repairs:decide。",
    openapi_extra={
        **json_example({"outcome": "repair", "reason": "已履行处罚决定，纠正违法行为"}),
        **_response_example(APPLICATION_EXAMPLE),
    },
)
def decide(request, tracking_number: str, body: DecideIn):
    app = services.decide(
        request.actor,
        _get(request, tracking_number),
        repair=body.outcome == "repair",
        reason=body.reason,
    )
    return _read(request, app, "作出信用修复决定")


@router.post(
    "/repairs/{tracking_number}/revoke",
    response={200: ApplicationOut, **ERRORS},
    summary="撤销信用修复",
    description="修复所依据的材料虚假时撤销修复：该信息恢复公示和共享，一定期限内不得就同一信息再次申请，"
    "申请时签署的信用修复承诺认定为失信并记入信用记录（违背信用承诺）。"
    "需要权限范围 repairs:decide。",
    openapi_extra={
        **json_example(
            {"reason": "缴款凭证经核实系伪造", "document_number": "本市监撤修〔2026〕1号"}
        ),
        **_response_example(APPLICATION_EXAMPLE),
    },
)
def revoke(request, tracking_number: str, body: RevokeIn):
    app = services.revoke(
        request.actor, _get(request, tracking_number), body.reason, body.document_number
    )
    return _read(request, app, "撤销信用修复")
