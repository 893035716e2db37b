"""Public report API: the public credit report of a subject, and report verification.

Anonymous; the public API's rate limit applies, and a report download also counts against
the reports' own per-address limit (CREDIT_REPORT_PER_MINUTE).
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status

from credit.core import ratelimit
from credit.core.apitypes import Problem
from credit.core.errors import NotFound
from credit.reports import services, views
from credit.reports.services import NotReportable, ReportsUnavailable

router = Router(tags=["信用报告"], auth=None)


class ReportOut(Schema):
    number: str
    kind: str
    kind_name: str
    subject_name: str
    subject_uscc: str
    issued_at: dt.datetime
    period_to: dt.date
    digest: str
    digest_algorithm: str
    status: str
    status_name: str
    superseded_at: dt.datetime | None


_PDF_DOC = {
    "responses": {
        "200": {
            "description": "已签章的 PDF 报告；响应头 X-Report-Number 为报告编号",
            "headers": {
                "X-Report-Number": {
                    "description": "22 位报告编号，也写在 PDF 元数据（标题、关键词）中",
                    "schema": {"type": "string", "example": "2026120610301512345678"},
                }
            },
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/subjects/{public_id}/report.pdf",
    response={404: Problem, 429: Problem, 503: Problem},
    summary="下载公共信用信息报告",
    description="出具该法人及非法人组织或个体工商户的公共信用信息报告（PDF，平台电子签章）。"
    "内容仅含依法向社会公开的信息；信息未变化时再次下载得到同一份报告（同一编号），"
    "信息变化后出具新编号的报告，旧报告仍可核验为当时出具。自然人不出具。",
    openapi_extra=_PDF_DOC,
)
def public_report(request, public_id: str):
    refused = views.report_limited(request, as_json=True)
    if refused is not None:
        return refused
    actor = services.anonymous(ratelimit.client_address(request))
    try:
        subject = services.reportable_subject(public_id)
        report, data = services.public_report(actor, subject)
    except NotReportable as exc:
        return Status(404, {"code": exc.code, "message": exc.message})
    except ReportsUnavailable as exc:
        return Status(503, {"code": exc.code, "message": exc.message})
    return views.pdf_response(report, data)


@router.get(
    "/reports/{number}",
    response={200: ReportOut, 404: Problem},
    summary="信用报告核验",
    description="按 22 位报告编号查询平台出具记录：主体、出具时间、文件 SM3 摘要和状态"
    "（valid 有效 / superseded 已被新报告替代）。核对文件本身请用 /verify/ 页面上传。",
)
def report(request, number: str):
    actor = services.anonymous(ratelimit.client_address(request))
    try:
        found = services.verify_number(actor, number)
    except NotFound as exc:
        return Status(404, {"code": exc.code, "message": exc.message})
    current = found.is_current
    return {
        "number": found.number,
        "kind": found.kind,
        "kind_name": found.get_kind_display(),
        "subject_name": found.subject_name,
        "subject_uscc": found.subject_code,
        "issued_at": found.issued_at,
        "period_to": found.period_to,
        "digest": found.pdf_digest,
        "digest_algorithm": "SM3",
        "status": "valid" if current else "superseded",
        "status_name": "有效" if current else "已被新报告替代",
        "superseded_at": found.superseded_at,
    }
