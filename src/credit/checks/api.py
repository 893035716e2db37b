"""Credit check API: run a check, read it, give feedback, overdue feedback, statistics.

Answers are serialised with orjson straight from the service's dicts: a check answer can
hold 10,000 items and the single check is the hottest endpoint of the platform.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpResponse
from ninja import Field, Router, Schema
from pydantic import BaseModel

from credit.accounts.apiauth import api_auth, require_scope
from credit.api_docs import json_example
from credit.checks import feedback, results, stats, store
from credit.checks.answer import answer_with_feedback, feedback_out
from credit.checks.resolve import MAX_SUBJECTS
from credit.checks.store import check_answer

router = Router(tags=["信用核查"], auth=api_auth)
SCOPE = "checks:run"


# The check's request bodies are plain pydantic models: ninja's Schema adds a root
# validator for reading Django objects that costs more than the validation itself here.
class SubjectIn(BaseModel):
    uscc: str | None = Field(None, max_length=50, description="统一社会信用代码")
    id_number: str | None = Field(None, max_length=30, description="身份证号（自然人）")
    name: str | None = Field(None, max_length=200, description="名称")
    region: str | None = Field(None, max_length=50, description="地区：行政区划代码或名称")


class CheckIn(BaseModel):
    scenario: str = Field(..., max_length=50, description="业务场景代码，如 bidding（招标投标）")
    purpose: str = Field(
        ...,
        min_length=1,
        max_length=200,
        description="核查事由（必填），如审批事项名称、项目编号或采购编号；写入查询日志",
    )
    subjects: list[SubjectIn] = Field(..., min_length=1, max_length=MAX_SUBJECTS)


class CheckOut(Schema):
    id: int
    scenario: dict[str, Any]
    purpose: str
    created_at: str
    department: str
    requested_by: str
    feedback_due: str | None
    summary: dict[str, Any]
    items: list[dict[str, Any]]
    feedback: list[dict[str, Any]] = []


class FeedbackItemIn(Schema):
    index: int | None = Field(None, ge=0, description="主体在核查请求中的序号（从 0 起）")
    subject: str | None = Field(None, max_length=22, description="主体公开标识")
    measure: str = Field(..., max_length=50, description="措施编码")
    applied: bool = Field(..., description="是否实施")
    reason: str = Field("", max_length=2000, description="理由（未实施时必填）")
    result: str = Field("", max_length=2000, description="实施结果")


class FeedbackIn(Schema):
    items: list[FeedbackItemIn] = Field(..., min_length=1, max_length=10_000)


class FeedbackOut(Schema):
    check: int
    saved: int
    feedback: list[dict[str, Any]]


class OverdueOut(Schema):
    count: int
    items: list[dict[str, Any]]


class StatsOut(Schema):
    month: str
    departments: list[dict[str, Any]]
    totals: dict[str, Any]


class ErrorOut(Schema):
    code: str
    message: str


def _json(data, status: int = 200) -> HttpResponse:
    return HttpResponse(
        orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS),
        content_type="application/json; charset=utf-8",
        status=status,
    )


class ProblemOut(Schema):
    field: str = Field(..., description="出错的字段，如 subjects.0.uscc；空表示整个请求体")
    loc: list[Any]
    type: str | None = None
    message: str


class InvalidRequestOut(ErrorOut):
    details: list[ProblemOut] = Field(..., description="每处问题一条")


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidRequestOut}


CHECK_EXAMPLE = {
    "scenario": "bidding",
    "purpose": "本溪市某道路改造工程施工招标（项目编号 BXZB-2026-018）",
    "subjects": [
        {"uscc": "91210502MA00000012", "name": "本溪市测试商贸有限公司"},
        {"name": "本溪市某建筑工程有限公司", "region": "210502"},
    ],
}
FEEDBACK_EXAMPLE = {
    "items": [
        {
            "index": 0,
            "measure": "P-COURT-03",
            "applied": True,
            "result": "已在评标中扣减信用分",
        },
        {
            "index": 1,
            "measure": "P-COURT-03",
            "applied": False,
            "reason": "该项目未设置相应评审条款",
        },
    ]
}


@router.post(
    "/checks",
    response={200: CheckOut, **ERRORS},
    summary="发起信用核查",
    description="按业务场景核查一个或多个主体（统一社会信用代码、身份证号或名称），返回每个主体的"
    "核查结果和应采取的联合奖惩措施。scenario 取值见页首“业务场景代码”；purpose（核查事由）必填，"
    "与查询人一起写入查询日志。需要权限范围 checks:run。",
    openapi_extra=json_example(CHECK_EXAMPLE),
)
def run_check(request, body: CheckIn):
    require_scope(request, SCOPE)
    answer = check_answer(
        request.actor,
        body.scenario,
        [s.model_dump() for s in body.subjects],
        purpose=body.purpose,
    )
    return _json(answer)


@router.get(
    "/checks/stats",
    response={200: StatsOut, **ERRORS},
    summary="信用核查统计（按部门、月份）",
    description="month 格式 YYYY-MM，缺省为本月。部门只看到本部门，信用办看到全部部门。"
    "需要权限范围 checks:run。",
)
def check_stats(request, month: str | None = None):
    require_scope(request, SCOPE)
    return _json(stats.monthly_stats(request.actor, stats.parse_month(month)))


@router.get(
    "/checks/overdue",
    response={200: OverdueOut, **ERRORS},
    summary="逾期未反馈的措施",
    description="已过反馈期限仍未反馈实施情况的措施（最多 1000 条）。需要权限范围 checks:run。",
)
def overdue(request):
    require_scope(request, SCOPE)
    rows = list(feedback.overdue_feedback(request.actor)[:1000])
    items = [
        {
            **feedback_out(row),
            "check": row.check_run_id,
            "department": row.department.name if row.department else "",
            "scenario": row.check_run.scenario.name,
        }
        for row in rows
    ]
    return _json({"count": len(items), "items": items})


@router.get(
    "/checks/{check_id}",
    response={200: CheckOut, **ERRORS},
    summary="查看核查结果",
    description="一次核查的结果及已提交的反馈；只能查看本单位发起的核查，每次查看写入查询日志。"
    "需要权限范围 checks:run。",
)
def get_check(request, check_id: int):
    require_scope(request, SCOPE)
    return _json(results.read_answer(request.actor, check_id))


@router.post(
    "/checks/{check_id}/feedback",
    response={200: FeedbackOut, **ERRORS},
    summary="反馈措施实施情况",
    description="对核查结果中每项措施反馈是否实施（未实施须说明理由）。index 为主体在核查请求中的"
    "序号（从 0 起），measure 为核查结果中的措施编码。任一条有误则整体不保存并逐条说明。"
    "需要权限范围 checks:run。",
    openapi_extra=json_example(FEEDBACK_EXAMPLE),
)
def give_feedback(request, check_id: int, body: FeedbackIn):
    require_scope(request, SCOPE)
    saved = feedback.give_feedback(request.actor, check_id, [i.dict() for i in body.items])
    check = store.get_check(request.actor, check_id)
    return _json(
        {
            "check": check.pk,
            "saved": len(saved),
            "feedback": answer_with_feedback(check)["feedback"],
        }
    )
