"""API for department systems handling objections (scope objections:handle): the queue,
one objection, and the actions 受理 / 不予受理 / 平台自查 / 协查 with its outcome."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from credit.accounts.apiauth import api_auth, require_scope
from credit.api_docs import json_example
from credit.applications import services as applications
from credit.core.apitypes import Problem
from credit.objections import queries, services

router = Router(tags=["异议办理"], auth=api_auth)
SCOPE = "objections:handle"


ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem}


class StepOut(Schema):
    step: str
    started_on: dt.date
    due_on: dt.date | None
    done_at: dt.datetime | None
    actor: str
    result: str
    note: str


class ObjectionOut(Schema):
    id: int
    tracking_number: str
    fact_kind: str
    fact: str
    department: str
    state: str
    state_name: str
    outcome: str
    reason: str
    received_at: dt.datetime
    current_step: str | None = None
    due_on: dt.date | None = None
    overdue: bool = False
    steps: list[StepOut] = []


class ListOut(Schema):
    count: int
    items: list[ObjectionOut]


class ListParams(Schema):
    state: str | None = Field(
        None, description="received / self_check / verifying / rejected / closed"
    )
    overdue: bool | None = Field(None, description="true：只列超期未办的")


class NoteIn(Schema):
    note: str = Field("", max_length=2000, description="办理意见（不予受理时为理由，必填）")


class SelfCheckIn(NoteIn):
    platform_error: bool = Field(False, description="是否属于平台差错（即时更正并办结）")


class VerifyIn(NoteIn):
    outcome: str = Field(..., description="处理结果：corrected 更正、deleted 删除、upheld 维持")
    changes: dict[str, str] | None = Field(
        None,
        description="更正内容（仅 corrected 且异议信息为信用记录时）：字段交换代码或中文名称 → "
        "更正后的值；按数据上报的校验规则核验后入库，原版本保留在历史中，已接收该记录的系统收到"
        "“更正”通知。不填则表示已通过数据上报或工作台报送更正版本。",
    )


def _out(o, with_steps: bool = False) -> dict:
    steps = list(o.application.steps.order_by("id")) if with_steps else []
    return {
        "id": o.pk,
        "tracking_number": o.application.tracking_number,
        "fact_kind": o.fact_kind,
        "fact": o.fact_label,
        "department": o.department.name,
        "state": o.state,
        "state_name": o.get_state_display(),
        "outcome": o.outcome,
        "reason": o.reason,
        "received_at": o.application.received_at,
        "current_step": getattr(o, "step_label", None),
        "due_on": getattr(o, "step_due", None),
        "overdue": bool(getattr(o, "overdue", False)),
        "steps": [
            {
                "step": s.label,
                "started_on": s.started_on,
                "due_on": s.due_on,
                "done_at": s.done_at,
                "actor": s.actor_label,
                "result": s.result,
                "note": s.note,
            }
            for s in steps
        ],
    }


@router.get(
    "/objections",
    response={200: ListOut, **ERRORS},
    summary="异议办理队列",
    description="信用办看到全部异议，数据提供单位看到转其协查的异议；每条带当前环节、办理期限和是否超期"
    "（最多 500 条）。需要权限范围 objections:handle。",
)
def list_objections(request, params: Query[ListParams]):
    require_scope(request, SCOPE)
    filters = {k: v for k, v in params.dict().items() if v is not None}
    if "overdue" in filters:
        filters["overdue"] = "true" if filters["overdue"] else "false"
    found = queries.filtered(request.actor, filters)
    rows = list(found.qs[:500]) if found.is_valid() else []
    return {"count": len(rows), "items": [_out(o) for o in rows]}


def _get(request, objection_id: int):
    require_scope(request, SCOPE)
    return services.get_for(request.actor, objection_id)


@router.get(
    "/objections/{objection_id}",
    response={200: ObjectionOut, **ERRORS},
    summary="查看异议",
    description="一条异议及其每个环节（开始日期、期限、办理人、结果、意见）。查看写入查询日志。"
    "需要权限范围 objections:handle。",
)
def get_objection(request, objection_id: int):
    objection = _get(request, objection_id)
    applications.read_application(
        request.actor,
        objection.application,
        f"接口查看异议（{objection.application.tracking_number}）",
    )
    return _out(objection, with_steps=True)


@router.post(
    "/objections/{objection_id}/accept",
    response={200: ObjectionOut, **ERRORS},
    summary="受理异议",
    description="信用办受理：该信息即时加注“异议处理中”。需要权限范围 objections:handle。",
    openapi_extra=json_example({"note": "营业执照、授权委托书核验无误"}),
)
def accept(request, objection_id: int, body: NoteIn):
    return _out(services.accept(request.actor, _get(request, objection_id), body.note), True)


@router.post(
    "/objections/{objection_id}/reject",
    response={200: ObjectionOut, **ERRORS},
    summary="不予受理",
    description="信用办不予受理，note 为理由（必填，申请人可在进度查询中看到）。"
    "需要权限范围 objections:handle。",
    openapi_extra=json_example({"note": "申请人不能证明与该主体的关系"}),
)
def reject(request, objection_id: int, body: NoteIn):
    return _out(services.reject(request.actor, _get(request, objection_id), body.note), True)


@router.post(
    "/objections/{objection_id}/self-check",
    response={200: ObjectionOut, **ERRORS},
    summary="平台自查",
    description="信用办自查：属于平台差错的即时更正并办结；否则转数据提供单位协查。"
    "需要权限范围 objections:handle。",
    openapi_extra=json_example({"platform_error": False, "note": "平台归集数据与报送一致"}),
)
def self_check(request, objection_id: int, body: SelfCheckIn):
    objection = _get(request, objection_id)
    return _out(services.self_check(request.actor, objection, body.platform_error, body.note), True)


@router.post(
    "/objections/{objection_id}/verify",
    response={200: ObjectionOut, **ERRORS},
    summary="协查并给出处理结果",
    description="数据提供单位核实后给出结果：deleted 删除（记录即时撤回）、corrected 更正（随 changes "
    "报送更正内容，或已通过数据上报报送同一文书号的更正版本）、upheld 维持。异议标注随即撤销。"
    "需要权限范围 objections:handle。",
    openapi_extra=json_example(
        {
            "outcome": "corrected",
            "note": "经核实罚款金额登记有误，已更正",
            "changes": {"罚款金额（万元）": "0.5"},
        }
    ),
)
def verify(request, objection_id: int, body: VerifyIn):
    objection = _get(request, objection_id)
    return _out(
        services.verify(request.actor, objection, body.outcome, body.note, body.changes), True
    )
