"""Issuing and verifying credit reports. The only code that writes CreditReport rows.

A public report states what the public may see of an organisation or sole trader today
(`dossier.build`). Asking again while those facts are unchanged hands out the report
already issued (same number, same signed file); once a fact changes, the next request
issues a new report with a new number, and the old one is marked superseded — it still
verifies as the report issued then.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from credit import facts
from credit.audit import services as audit
from credit.core.actors import Actor
from credit.core.digests import sm3_hex
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.reports import dossier as dossiers
from credit.reports import files, freshness, permissions, render, signing, special
from credit.reports.models import CreditReport, ReportKind
from credit.subjects.models import Subject, SubjectKind

logger = logging.getLogger(__name__)

NUMBER_LENGTH = 22
RESOURCE = "reports.report"
_TEMPLATES = {
    ReportKind.PUBLIC: "reports/public_report.html",
    ReportKind.SPECIAL: "reports/special_report.html",
}
_REASONS = {
    ReportKind.PUBLIC: "信用本溪出具公共信用信息报告",
    ReportKind.SPECIAL: "信用本溪出具专项信用报告（替代有无违法违规记录证明）",
}


class ReportsUnavailable(ServiceError):
    def __init__(self, message: str):
        super().__init__("reports_unavailable", message, 503)


class NotReportable(ServiceError):
    def __init__(self, message: str):
        super().__init__("not_reportable", message, 404)


def anonymous(address: str) -> Actor:
    """The public, as the logs name it: by client address."""
    return Actor(label=f"社会公众（{address or '未知地址'}）")


def new_number(now: dt.datetime) -> str:
    """yyyyMMddHHmmss (local time) + 8 random digits: 22 characters, not guessable from
    another report's number."""
    local = timezone.localtime(now)
    return local.strftime("%Y%m%d%H%M%S") + f"{secrets.randbelow(10**8):08d}"


def _current(subject: Subject, kind: str) -> CreditReport | None:
    return (
        CreditReport.objects.filter(subject=subject, kind=kind, superseded_at__isnull=True)
        .order_by("-issued_at", "-id")
        .first()
    )


def reportable_subject(public_id: str) -> Subject:
    """The organisation or sole trader a public report may be issued for."""
    subject = Subject.objects.filter(public_id=public_id).first()
    if subject is None or getattr(subject, "merged_into_id", None):
        raise NotReportable("未找到该信用主体")
    if subject.kind == SubjectKind.PERSON:
        raise NotReportable("公共信用信息报告只向法人及非法人组织、个体工商户出具")
    return subject


def public_report(actor: Actor, subject: Subject) -> tuple[CreditReport, bytes]:
    """The public report of `subject` as of today, and its signed PDF."""
    if subject.kind == SubjectKind.PERSON:
        raise NotReportable("公共信用信息报告只向法人及非法人组织、个体工商户出具")
    current = _current(subject, ReportKind.PUBLIC)
    if current is not None and freshness.confirmed_today(current, subject):
        data = read_pdf(current)
        if data is not None:
            _log(actor, current, "公共信用信息报告下载")
            return current, data
    changes_seen = current.fact_changes if current is not None else 0
    dossier = dossiers.build(subject, facts.Audience.PUBLIC)
    digest = dossier.digest()
    if current is not None and current.content_digest == digest:
        data = read_pdf(current)
        if data is not None:
            freshness.confirm(current, changes_seen, dossier.day)
            _log(actor, current, "公共信用信息报告下载")
            return current, data
    report, data = _issue(actor, subject, ReportKind.PUBLIC, dossier, digest)
    _log(actor, report, "公共信用信息报告出具")
    return report, data


def _render(kind: str, number: str, now: dt.datetime, dossier) -> bytes:
    context = {"number": number, "issued_at": now, "dossier": dossier}
    if kind == ReportKind.PUBLIC:
        context.update(counts=list(dossier.counts.items()), advice=dossier.advice)
    return render.pdf(_TEMPLATES[kind], context, reason=_REASONS[kind])


def _issue(
    actor: Actor, subject, kind: str, dossier, digest: str, *, reuse: bool = True
) -> tuple[CreditReport, bytes]:
    for _attempt in range(5):
        now = timezone.now()
        number = new_number(now)
        try:
            data = _render(kind, number, now, dossier)
        except signing.SigningUnavailable as exc:
            logger.error("credit report not signed: %s", exc)
            raise ReportsUnavailable(str(exc)) from exc
        path = files.store(number, data, encrypted=kind == ReportKind.SPECIAL, now=now)
        try:
            with transaction.atomic():
                # Whoever issued the same content meanwhile wins; ours is dropped.
                locked = Subject.objects.select_for_update().get(pk=subject.pk)
                current = _current(locked, kind) if reuse else None
                if current is not None and current.content_digest == digest:
                    kept = read_pdf(current)
                    if kept is not None:
                        path.unlink(missing_ok=True)
                        return current, kept
                report = CreditReport.objects.create(
                    number=number,
                    kind=kind,
                    subject=locked,
                    subject_name=dossier.name,
                    subject_code=dossier.uscc,
                    audience=(
                        facts.Audience.PUBLIC
                        if kind == ReportKind.PUBLIC
                        else facts.Audience.SUBJECT
                    ),
                    period_from=getattr(dossier, "period_from", None),
                    period_to=getattr(dossier, "period_to", None) or dossier.day,
                    domains=[d.name for d in getattr(dossier, "domains", [])],
                    issued_at=now,
                    content_digest=digest,
                    grade_stamp=getattr(dossier, "grade_stamp", ""),
                    pdf_digest=sm3_hex(data),
                    pdf_size=len(data),
                    pdf_path=str(path.relative_to(settings.MEDIA_ROOT)),
                    requested_by=actor.label[:150],
                )
                if current is not None:
                    CreditReport.objects.filter(pk=current.pk).update(
                        superseded_at=now, superseded_by=report
                    )
                return report, data
        except IntegrityError:
            # The same number drawn twice in one second: draw again.
            path.unlink(missing_ok=True)
            continue
    raise ServiceError("report_number", "报告编号生成失败，请稍后重试", 503)


def special_report(
    actor: Actor,
    subject: Subject,
    period_from: dt.date,
    period_to: dt.date,
    domains: list,
) -> tuple[CreditReport, bytes]:
    """A special report for the subject itself (its own facts, public or not) over a period
    and domains. Always a new report: each one answers one application."""
    if not permissions.can_issue_special_report(actor):
        raise PermissionDenied("只有信用办可以出具专项信用报告")
    if subject.kind == SubjectKind.PERSON:
        raise NotReportable("专项信用报告只向法人及非法人组织、个体工商户出具")
    today = timezone.localdate()
    if period_to > today:
        raise ServiceError("bad_period", "查询期间的截止日不能晚于今天", 422)
    if period_from > period_to:
        raise ServiceError("bad_period", "查询期间的起始日不能晚于截止日", 422)
    if not domains:
        raise ServiceError("no_domain", "请至少选择一个领域", 422)
    dossier = special.build(subject, period_from, period_to, list(domains))
    report, data = _issue(
        actor, subject, ReportKind.SPECIAL, dossier, dossier.digest(), reuse=False
    )
    _log(actor, report, "专项信用报告出具")
    return report, data


def read_pdf(report: CreditReport) -> bytes | None:
    """The issued signed PDF (decrypted for a special report); None when it is gone or
    not the file issued. Callers log the access."""
    return files.read(report)


def _log(actor: Actor, report: CreditReport, purpose: str) -> None:
    audit.log_access(
        actor,
        RESOURCE,
        f"{purpose}（报告编号 {report.number}）",
        subject_id=report.subject_id,
        subject_label=report.subject_name,
    )


def log_download(actor: Actor, report: CreditReport) -> None:
    """A staff download of an issued file (a special report states non-public facts)."""
    _log(actor, report, "信用报告文件查阅（工作台）")


def find(number: str) -> CreditReport:
    number = (number or "").strip()
    if len(number) != NUMBER_LENGTH or not number.isdigit():
        raise NotFound("报告编号应为 22 位数字", code="report_not_found")
    report = CreditReport.objects.filter(number=number).first()
    if report is None:
        raise NotFound("未找到该编号的信用报告，请核对报告编号", code="report_not_found")
    return report


def verify_number(actor: Actor, number: str) -> CreditReport:
    report = find(number)
    _log(actor, report, "信用报告核验（编号）")
    return report


def verify_file(actor: Actor, data: bytes) -> CreditReport | None:
    """The report whose issued file is byte for byte `data`, or None."""
    if not data:
        return None
    report = CreditReport.objects.filter(pdf_digest=sm3_hex(data)).first()
    if report is not None:
        _log(actor, report, "信用报告核验（文件）")
    return report


def refresh_public_reports(subject_ids: list[int]) -> dict[str, int]:
    """Issue the current public report of each subject (a no-op where the facts are what
    the current report states). Runs in the background after a fact event."""
    actor = Actor.system("信用报告预生成")
    counts = {"issued": 0, "unchanged": 0, "skipped": 0}
    for subject in Subject.objects.filter(pk__in=subject_ids).exclude(kind=SubjectKind.PERSON):
        if getattr(subject, "merged_into_id", None):
            counts["skipped"] += 1
            continue
        before = _current(subject, ReportKind.PUBLIC)
        try:
            report, _data = public_report(actor, subject)
        except ServiceError:
            logger.exception("public report of subject %s could not be refreshed", subject.pk)
            counts["skipped"] += 1
            continue
        counts["unchanged" if before and before.pk == report.pk else "issued"] += 1
    return counts
