"""Public API of due-process applications: file an objection, read an application's status.

No token; the general per-address limit of /api/v1/public/ applies, and submissions count
against the stricter limit of the portal's forms too (each stores files and an argon2 hash).
"""

from __future__ import annotations

import datetime as dt

from ninja import File, Form, Header, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from credit.applications import limits
from credit.applications import queries as application_queries
from credit.applications import services as applications
from credit.core.actors import Actor
from credit.core.apitypes import Problem
from credit.objections import services as objections
from credit.portal.application_fields import ApplicationIn
from credit.portal.opaque import fact_ref
from credit.repairs import present as repair_present
from credit.reports import applications as report_applications

router = Router(tags=["异议申请（公开）"], auth=None)
PUBLIC_APPLICANT = "公众申请人（接口）"


class ObjectionIn(ApplicationIn):
    reason: str = Field(..., max_length=2000, description="异议内容及理由")


class SubmittedOut(Schema):
    tracking_number: str = Field(..., examples=["YY202612060001"])
    query_code: str = Field(..., description="查询码，只返回这一次", examples=["K7M2Q9X4TB"])


class StepOut(Schema):
    step: str
    started_on: dt.date
    due_on: dt.date | None
    done_on: dt.date | None
    result: str
    overdue: bool


class StatusOut(Schema):
    tracking_number: str
    kind: str
    state: str
    received_on: dt.date
    subject_name: str
    about: str
    steps: list[StepOut]
    outcome: str
    outcome_note: str
    closed_on: dt.date | None
    report_number: str | None = Field(
        None,
        description="专项信用报告申请：已出具报告的编号（22 位），凭受理编号和查询码在办理进度查询页面下载",
    )


@router.post(
    "/objections",
    response={201: SubmittedOut, 400: Problem, 404: Problem, 429: Problem},
    summary="提出信用信息异议",
    description="信用主体本人或其代理人对正在公示或共享的信用记录或名单条目提出异议"
    "（multipart/form-data）。record 为公开信用档案接口返回的信用记录或名单条目 id；法人填统一社会信用代码，自然人填身份证号，须与该记录的"
    "主体一致。materials 为证明材料：PDF、JPG、PNG 或 OFD（按文件内容判断），最多 10 个，每个不超过 "
    "10 MB。任一项有误则整体不保存。返回受理编号和查询码（查询码只返回这一次）。",
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
                        "reason": "处罚金额登记错误，应为二百元",
                        "materials": ["营业执照.pdf"],
                    }
                }
            }
        }
    },
)
def submit_objection(request, body: Form[ObjectionIn], materials: File[list[UploadedFile]] = None):
    refused = limits.refused(request, as_json=True)
    if refused is not None:
        return refused
    fields = body.dict()
    kind, fact_id = fact_ref(fields.pop("record")) or ("record", None)
    reason = fields.pop("reason")
    objection, code = objections.submit(
        Actor(label=PUBLIC_APPLICANT),
        kind=kind,
        fact_id=fact_id,
        party=applications.Party(**fields),
        reason=reason,
        uploads=list(materials or []),
        channel="api",
    )
    return Status(
        201, {"tracking_number": objection.application.tracking_number, "query_code": code}
    )


@router.get(
    "/applications/{tracking_number}",
    response={200: StatusOut, 404: Problem, 429: Problem},
    summary="申请办理进度",
    description="凭受理编号和查询码（请求头 X-Query-Code）查看申请的状态、每个环节的开始日期、"
    "办理期限、完成日期和结果，以及办理结果。受理编号或查询码不正确时返回 404。",
)
def application_status(
    request,
    tracking_number: str,
    x_query_code: str = Header("", alias="X-Query-Code", description="提交时返回的查询码"),
):
    application = applications.find_for_applicant(tracking_number[:40], x_query_code[:40])
    objection = objections.for_application(application)
    special = report_applications.for_application(application)
    about = objection.fact_label if objection else ""
    repair = repair_present.for_application(application)
    if repair is not None:
        about = repair_present.fact_label(repair)
    if special is not None:
        about = report_applications.describe(special)
    found = application_queries.status(application, about)
    return {
        "report_number": special.report.number if special and special.report else None,
        **{
            k: getattr(found, k)
            for k in StatusOut.model_fields
            if k not in ("steps", "report_number")
        },
        "steps": [
            {
                "step": s.label,
                "started_on": s.started_on,
                "due_on": s.due_on,
                "done_on": s.done_on,
                "result": s.result,
                "overdue": s.overdue,
            }
            for s in found.steps
        ],
    }
