"""Public repair API: the eligibility self-check of a publicly shown record or list entry
(信用修复自查) and the application, anonymous and rate-limited like every public route. A
fact is named by the id the public profile gives it (`opaque.fact_ref`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from credit import facts
from credit.applications import limits
from credit.core.actors import Actor
from credit.core.apitypes import Problem
from credit.core.errors import NotFound
from credit.lists.models import ListEntry
from credit.portal import public_facts
from credit.portal.application_fields import ApplicationIn
from credit.portal.opaque import record_pk
from credit.records.models import Record
from credit.repairs import eligibility
from credit.repairs import services as repairs

router = Router(tags=["信用修复"], auth=None)
PUBLIC_APPLICANT = "公众申请人（接口）"


class EligibilityIn(Schema):
    record: str = Field(
        ...,
        min_length=1,
        max_length=64,
        description="公开信用档案（/api/v1/public/subjects/{id}）中信用记录或名单条目的 id",
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
    fact = public_facts.find(params.record)
    if fact is None:
        return Status(404, {"code": "not_found", "message": "未找到该公示信息"})
    return {"record": params.record, **_answer(fact.eligibility())}


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


class RepairIn(ApplicationIn):
    statement: str = Field(
        "", max_length=2000, description="修复理由及履行义务、纠正失信行为的情况"
    )
    commitment_accepted: bool = Field(..., description="已阅读并同意信用修复承诺书（必须为 true）")
    commitment_signed_name: str = Field(..., max_length=100, description="承诺人签名（姓名）")


class SubmittedOut(Schema):
    tracking_number: str = Field(..., examples=["XF202612060001"])
    query_code: str = Field(..., description="查询码，只返回这一次", examples=["K7M2Q9X4TB"])


def submit_repair(
    actor: Actor, fact: Record | ListEntry, fields: dict, uploads: list, channel: str
):
    """One repair application from the portal form or this API (both thin over the
    service)."""
    return repairs.submit_as_entered(actor, fact, fields, uploads, channel)


@router.post(
    "/repairs",
    response={201: SubmittedOut, 400: Problem, 404: Problem, 409: Problem, 429: Problem},
    summary="申请信用修复",
    description="信用主体本人或其代理人对已过最短公示期的行政处罚等信用记录，或允许提前移出的名单"
    "条目，申请信用修复（multipart/form-data）。record 为公开信用档案接口返回的信用记录或名单条目 id；法人填统一社会信用代码，"
    "自然人填身份证号，须与该记录的主体一致。须勾选并签署信用修复承诺书（commitment_accepted、"
    "commitment_signed_name），承诺内容和时间由平台保存。materials 为证明材料（已履行处罚决定的凭证、"
    "营业执照、授权委托书等）：PDF、JPG、PNG 或 OFD（按文件内容判断），最多 10 个，每个不超过 10 MB。"
    "不符合修复条件时返回 409 及可申请日期；任一项有误则整体不保存。返回受理编号和查询码"
    "（查询码只返回这一次），凭其在 /api/v1/public/applications/{tracking_number} 查询办理进度。",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "example": {
                        "record": "PBKgEzlRN7fkft4TxtWZXg",
                        "subject_name": "本溪市某商贸有限公司",
                        "uscc": "91210502MA00000012",
                        "applicant_name": "李四",
                        "applicant_phone": "024-12345678",
                        "applicant_relationship": "legal_rep",
                        "statement": "罚款已于 2026-10-08 缴清，违法行为已整改",
                        "commitment_accepted": True,
                        "commitment_signed_name": "李四",
                        "materials": ["罚款缴纳凭证.pdf", "营业执照.pdf"],
                    }
                }
            }
        },
        "responses": {
            "201": {
                "content": {
                    "application/json": {
                        "example": {"tracking_number": "XF202612060001", "query_code": "K7M2Q9X4TB"}
                    }
                }
            }
        },
    },
)
def apply_for_repair(request, body: Form[RepairIn], materials: File[list[UploadedFile]] = None):
    refused = limits.refused(request, as_json=True)
    if refused is not None:
        return refused
    fields = body.dict()
    fact = public_facts.find(fields.pop("record"))
    if fact is None:
        raise NotFound("未找到该公示信息（只能对正在公示的信息申请信用修复）", code="not_found")
    app, code = submit_repair(
        Actor(label=PUBLIC_APPLICANT), fact.fact, fields, list(materials or []), "api"
    )
    return Status(201, {"tracking_number": app.tracking_number, "query_code": code})
