"""专项信用报告 on application (issue 14): the subject applies through the portal (or the
service window) with the same tracking mechanism as objections and repair — a tracking
number, a query code shown once, materials checked by content and encrypted
(credit.applications) — the credit office accepts in the console, which issues the report
(services.special_report), and the applicant downloads it from the application's status
page with the tracking number and query code. Every write is change-logged by the
applications services; every read of the report file is access-logged.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from credit.applications import services as applications
from credit.applications.models import Application, ApplicationKind, ApplicationState, Channel
from credit.audit import services as audit
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.core.identifiers import is_valid_uscc
from credit.core.normalize import has_control_chars
from credit.reports import permissions, services
from credit.reports.models import CreditReport, ReportDomain, SpecialReportRequest
from credit.reports.special import DEFAULT_FROM
from credit.subjects.models import Subject, SubjectKind

KIND = ApplicationKind.SPECIAL_REPORT
ACCEPT = "accept"
ISSUED = "issued"
PURPOSE_LIMIT = 200
MAX_ID = 2**63 - 1


def _field(label: str, problem: str, code: str = "invalid_field") -> ServiceError:
    return ServiceError(code, f"字段“{label}”：{problem}")


def _subject(uscc: str) -> Subject:
    uscc = (uscc or "").strip().upper()
    if not uscc:
        raise _field("统一社会信用代码", "必须填写", "required")
    if not is_valid_uscc(uscc):
        raise _field("统一社会信用代码", "代码格式或校验位不正确")
    subject = Subject.objects.filter(uscc=uscc, merged_into__isnull=True).first()
    if subject is None:
        raise _field("统一社会信用代码", "平台没有该代码的信用主体，请核对", "not_found")
    if subject.kind == SubjectKind.PERSON:
        raise _field("统一社会信用代码", "专项信用报告只向法人及非法人组织、个体工商户出具")
    return subject


def _period(period_from: dt.date | None, period_to: dt.date | None) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    period_from = period_from or DEFAULT_FROM
    period_to = period_to or today
    if period_to > today:
        raise _field("查询期间至", "不能晚于今天")
    if period_from > period_to:
        raise _field("查询期间自", "不能晚于查询期间的截止日")
    return period_from, period_to


def _domains(domain_ids) -> list[ReportDomain]:
    ids = {int(i) for i in domain_ids or [] if str(i).isdigit() and 0 < int(i) <= MAX_ID}
    if not ids:
        raise _field("查询领域", "请至少选择一个领域", "required")
    found = list(ReportDomain.objects.filter(pk__in=ids, active=True))
    if len(found) != len(ids):
        raise _field("查询领域", "包含不存在或已停用的领域")
    return found


def _purpose(text: str) -> str:
    text = " ".join((text or "").split())
    if len(text) > PURPOSE_LIMIT or has_control_chars(text):
        raise _field("用途", f"不超过 {PURPOSE_LIMIT} 个字符，且不能包含控制字符")
    return text


def submit(
    actor: Actor,
    *,
    party: applications.Party,
    period_from: dt.date | None,
    period_to: dt.date | None,
    domain_ids,
    uploads: list,
    channel: str = Channel.PORTAL,
    purpose: str = "",
) -> tuple[SpecialReportRequest, str]:
    """A new application for a special report; returns it and the query code (shown once).
    Refused input (naming the field) stores nothing, files included."""
    subject = _subject(party.uscc)
    period_from, period_to = _period(period_from, period_to)
    domains = _domains(domain_ids)
    purpose = _purpose(purpose)
    if not uploads:
        raise _field(
            "申请材料", "请上传营业执照（或其他主体资格证明），委托办理的另附授权委托书", "required"
        )
    with transaction.atomic():
        application, code = applications.create(
            actor, KIND, subject=subject, party=party, uploads=uploads, channel=channel
        )
        request = SpecialReportRequest.objects.create(
            application=application,
            period_from=period_from,
            period_to=period_to,
            purpose=purpose,
        )
        request.domains.set(domains)
        applications.start_step(application, ACCEPT)
    return request, code


def _locked(request: SpecialReportRequest) -> SpecialReportRequest:
    locked = SpecialReportRequest.objects.select_related("application", "application__subject")
    return locked.select_for_update(of=("self",)).get(pk=request.pk)


def _expect_received(request: SpecialReportRequest) -> None:
    state = request.application.state
    if state != ApplicationState.RECEIVED:
        label = ApplicationState(state).label
        raise ServiceError("wrong_state", f"该申请当前为“{label}”，不能再受理或不予受理")


def accept(actor: Actor, request: SpecialReportRequest, note: str = "") -> SpecialReportRequest:
    """受理并出具: the credit office has verified identity from the materials; the report is
    issued for the period and domains asked and the application closes with its number."""
    if not permissions.can_issue_special_report(actor):
        raise PermissionDenied("只有信用办可以受理专项信用报告申请")
    note = _note(note, "受理意见", required=False)
    with transaction.atomic():
        request = _locked(request)
        _expect_received(request)
        application = request.application
        report, _data = services.special_report(
            actor,
            application.subject,
            request.period_from,
            request.period_to,
            list(request.domains.all()),
        )
        request.report = report
        request.save(update_fields=["report"])
        applications.finish_step(actor, applications.open_step(application, ACCEPT), "已出具", note)
        applications.close(
            actor,
            application,
            ApplicationState.CLOSED,
            ISSUED,
            "已出具",
            f"专项信用报告已出具，报告编号 {report.number}。请在本页下载。",
        )
    return request


def reject(actor: Actor, request: SpecialReportRequest, reason: str) -> SpecialReportRequest:
    """不予受理, with the reason the applicant reads on the status page."""
    if not permissions.can_issue_special_report(actor):
        raise PermissionDenied("只有信用办可以作出不予受理决定")
    reason = _note(reason, "不予受理理由", required=True)
    with transaction.atomic():
        request = _locked(request)
        _expect_received(request)
        application = request.application
        applications.finish_step(
            actor, applications.open_step(application, ACCEPT), "不予受理", reason
        )
        applications.close(
            actor, application, ApplicationState.REJECTED, "rejected", "不予受理", reason
        )
    return request


def _note(text: str, label: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise _field(label, "必须填写", "required")
    if len(text) > 2000 or has_control_chars(text.replace("\n", "").replace("\r", "")):
        raise _field(label, "不超过 2000 个字符，且不能包含控制字符")
    return text


def for_application(application: Application) -> SpecialReportRequest | None:
    if application.kind != KIND:
        return None
    return (
        SpecialReportRequest.objects.select_related("report")
        .filter(application=application)
        .first()
    )


def describe(request: SpecialReportRequest) -> str:
    """What was asked, in words (the status page's 申请事项)."""
    names = "、".join(d.name for d in request.domains.all())
    return (
        f"专项信用报告：{request.period_from:%Y-%m-%d} 至 {request.period_to:%Y-%m-%d}，"
        f"领域：{names}"
    )


def get_for(actor: Actor, request_id: int | None) -> SpecialReportRequest:
    """A request for a staff page (credit office, auditor), access-logged: it names the
    subject and its applicant."""
    if request_id is None or not 0 < request_id <= MAX_ID:
        raise NotFound("申请不存在")
    request = (
        SpecialReportRequest.objects.select_related("application", "report")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not permissions.can_read_report_register(actor):
        raise NotFound("申请不存在")
    applications.read_application(
        actor, request.application, f"查看专项信用报告申请（{request.application.tracking_number}）"
    )
    return request


def applicant_download(actor: Actor, application: Application) -> tuple[CreditReport, bytes]:
    """The issued report for the applicant who opened the status page (tracking number and
    query code already checked); the read is access-logged (the report states non-public
    facts of the subject)."""
    request = for_application(application)
    if request is None or request.report is None:
        raise NotFound("该申请没有已出具的专项信用报告", code="report_not_issued")
    data = services.read_pdf(request.report)
    if data is None:
        raise services.ReportsUnavailable("报告文件暂不可用，请联系信用办")
    audit.log_access(
        actor,
        services.RESOURCE,
        f"申请人下载专项信用报告（受理编号 {application.tracking_number}，"
        f"报告编号 {request.report.number}）",
        subject_id=application.subject_id,
        subject_label=application.subject_name,
    )
    return request.report, data
