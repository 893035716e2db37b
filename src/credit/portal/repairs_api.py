"""Public repair API: the eligibility self-check of a publicly shown record (信用修复自查),
anonymous and rate-limited like every public route."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from credit import facts
from credit.portal.opaque import record_pk
from credit.records.models import Record
from credit.repairs import eligibility

router = Router(tags=["信用修复"], auth=None)


class Problem(Schema):
    code: str
    message: str


class EligibilityIn(Schema):
    record: str = Field(
        ...,
        min_length=1,
        max_length=64,
        description="公开信用档案（/api/v1/public/subjects/{id}）中信用记录的 id",
    )


class EligibilityOut(Schema):
    record: str
    kind: str = Field(
        ...,
        description="penalty_record 行政处罚；abnormal 经营异常名录；list_entry 名单条目；空表示不适用",
    )
    kind_label: str
    repairable: bool = Field(..., description="该类信息是否适用信用修复")
    eligible: bool = Field(..., description="今天能否提出申请")
    earliest: dt.date | None = Field(None, description="最早可申请日期")
    minimum_period_end: dt.date | None = Field(None, description="最短公示期届满日")
    message: str
    materials: list[str] = Field(..., description="需要提交的材料")


ELIGIBILITY_EXAMPLE = {
    "record": "d2FzLXNhbXBsZS10b2tlbg",
    "kind": "penalty_record",
    "kind_label": "行政处罚",
    "repairable": True,
    "eligible": False,
    "earliest": "2027-03-21",
    "minimum_period_end": "2027-03-20",
    "message": "最短公示期未满，2027-03-21 起方可申请信用修复",
    "materials": [
        "信用修复申请书（平台填报即生成）",
        "已履行行政处罚决定的证明材料（如罚款缴纳凭证、整改完成的证明）",
    ],
}


@router.get(
    "/repairs/eligibility",
    response={200: EligibilityOut, 404: Problem, 422: Problem, 429: Problem},
    summary="信用修复自查",
    description="按公开信用档案返回的信用记录 id 自查能否申请信用修复：该类信息是否适用、最短公示期"
    "（按记录自身的决定日期和公示期限规则计算）何时届满、最早可申请日期及需要提交的材料。只回答正在"
    "公示的记录；无需令牌，按来源地址限流。",
    openapi_extra={
        "responses": {"200": {"content": {"application/json": {"example": ELIGIBILITY_EXAMPLE}}}}
    },
)
def check_eligibility(request, params: Query[EligibilityIn]):
    record = public_record(params.record)
    if record is None:
        return Status(404, {"code": "not_found", "message": "未找到该公示记录"})
    answer = eligibility.for_record(record)
    return {"record": params.record, **_answer(answer)}


def public_record(token: str) -> Record | None:
    pk = record_pk((token or "").strip())
    if pk is None:
        return None
    return (
        facts.readable(facts.RECORD, facts.Audience.PUBLIC, timezone.localdate())
        .select_related("dataset", "dataset_version")
        .filter(pk=pk)
        .first()
    )


def _answer(answer: eligibility.Eligibility) -> dict:
    return {
        "kind": answer.kind,
        "kind_label": answer.kind_label,
        "repairable": answer.repairable,
        "eligible": answer.eligible,
        "earliest": answer.earliest,
        "minimum_period_end": answer.minimum_period_end,
        "message": answer.message,
        "materials": answer.materials,
    }
