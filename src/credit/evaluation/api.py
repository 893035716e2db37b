"""Evaluation API: a subject's current grade, its explanation and its history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema

from credit.accounts.apiauth import api_auth, require_scope
from credit.audit.services import log_access
from credit.core.errors import NotFound, ServiceError
from credit.core.identifiers import IdentifierError, validate_uscc
from credit.evaluation import queries
from credit.subjects.models import Subject

router = Router(tags=["信用评价"], auth=api_auth)
SCOPE = "evaluations:read"


class ErrorOut(Schema):
    code: str
    message: str


class FactOut(Schema):
    kind: str = Field(..., description="事实类型：record（信用记录）或 list_entry（名单条目）")
    kind_label: str
    id: int = Field(..., description="事实编号")


class RuleOut(Schema):
    rule: str = Field(..., description="计分规则")
    description: str = Field(..., description="计分理由")
    score: Decimal = Field(..., description="本规则得分（扣分为负）")
    facts: list[FactOut] = Field(..., description="据以计分的信用记录或名单条目")


class IndicatorOut(Schema):
    dimension: str = Field(..., description="一级维度")
    indicator: str = Field(..., description="二级指标")
    score: Decimal = Field(..., description="指标得分（已按指标封顶）")
    rules: list[RuleOut]


class HistoryOut(Schema):
    grade: str
    score: Decimal
    model_version: int
    valid_from: dt.date
    computed_at: dt.datetime


class EvaluationOut(Schema):
    uscc: str
    name: str
    grade: str = Field(..., description="评价等级 A/B/C/D")
    meaning: str = Field(..., description="等级含义")
    score: Decimal = Field(..., description="综合得分")
    valid_from: dt.date = Field(..., description="本等级生效日期")
    computed_at: dt.datetime
    model_version: int = Field(..., description="评价模型版本号")
    unregistered: bool = Field(..., description="无登记注册信息（按无登记信息评价）")
    indicators: list[IndicatorOut]
    history: list[HistoryOut] = Field(..., description="历次等级（新的在前）")


EXAMPLE: dict[str, Any] = {
    "uscc": "91210502MA0000001X",
    "name": "本溪市某商贸有限公司",
    "grade": "B",
    "meaning": "诚信度较好",
    "score": "95.00",
    "valid_from": "2026-12-01",
    "computed_at": "2026-12-01T02:00:05+08:00",
    "model_version": 1,
    "unregistered": False,
    "indicators": [
        {
            "dimension": "遵纪守法",
            "indicator": "行政处罚",
            "score": "-5.00",
            "rules": [
                {
                    "rule": "近三年一般失信行政处罚",
                    "description": "一般失信行为的行政处罚……每条扣 5 分，最多扣 20 分。",
                    "score": "-5.00",
                    "facts": [{"kind": "record", "kind_label": "信用记录", "id": 1024}],
                }
            ],
        }
    ],
    "history": [
        {
            "grade": "B",
            "score": "95.00",
            "model_version": 1,
            "valid_from": "2026-12-01",
            "computed_at": "2026-12-01T02:00:05+08:00",
        }
    ],
}


def evaluation_of(subject: Subject) -> dict | None:
    """The answer for one subject, or None when it has no current grade."""
    grade = queries.current_grade(subject.pk)
    if grade is None:
        return None
    meaning = grade.model.bands.filter(grade=grade.grade).values_list("meaning", flat=True).first()
    indicators = [
        {"dimension": d["dimension"], **i} for d in queries.explain(grade) for i in d["indicators"]
    ]
    return {
        "uscc": subject.uscc,
        "name": subject.name,
        "grade": grade.grade,
        "meaning": meaning or "",
        "score": grade.score,
        "valid_from": grade.valid_from,
        "computed_at": grade.computed_at,
        "model_version": grade.model.version,
        "unregistered": grade.unregistered,
        "indicators": indicators,
        "history": [
            {
                "grade": g.grade,
                "score": g.score,
                "model_version": g.model.version,
                "valid_from": g.valid_from,
                "computed_at": g.computed_at,
            }
            for g in queries.history(subject.pk)
        ],
    }


@router.get(
    "/evaluations/{uscc}",
    response={200: EvaluationOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="查询信用主体的公共信用综合评价",
    description="按统一社会信用代码查询法人及非法人组织、个体工商户的现行评价等级（A/B/C/D）、"
    "生效日期、评价模型版本、各指标得分及据以计分的信用记录和名单条目，以及历次等级。"
    "需要权限范围 evaluations:read；每次查询写入查询日志。",
    openapi_extra={"responses": {"200": {"content": {"application/json": {"example": EXAMPLE}}}}},
)
def evaluation(request, uscc: str):
    require_scope(request, SCOPE)
    try:
        code = validate_uscc(uscc)
    except IdentifierError as exc:
        raise ServiceError("bad_request", f"uscc：{exc.message}") from exc
    subject = Subject.objects.filter(uscc=code).first()
    if subject is None:
        raise NotFound("未找到该信用主体")
    answer = evaluation_of(subject)
    log_access(request.actor, "evaluation.grade", "查询信用评价（接口）", subject.pk, subject.name)
    if answer is None:
        raise NotFound("该主体暂无评价结果（自然人、已注销或吊销的主体不参加评价）")
    return answer
