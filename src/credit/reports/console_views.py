"""Console pages of credit reports: the register of issued reports, the special report
form (credit office), and downloads of issued files (credit office and auditor, each
access-logged)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from credit.audit.context import request_id
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.core.normalize import as_int
from credit.reports import permissions, services, views
from credit.reports import special as special_reports
from credit.reports.forms import SpecialReportForm
from credit.reports.models import CreditReport
from credit.subjects.models import Subject

PAGE = 50


def _actor(request) -> Actor:
    return Actor.for_user(request.user, request_id=request_id.get())


@login_required
@require_safe
def index(request):
    actor = _actor(request)
    if not permissions.can_read_report_register(actor):
        raise PermissionDenied
    reports = CreditReport.objects.order_by("-issued_at", "-id")
    q = request.GET.get("q", "").strip()[:60]
    if q:
        reports = (
            reports.filter(number=q) if q.isdigit() else reports.filter(subject_name__contains=q)
        )
    page = Paginator(reports, PAGE).get_page(max(1, as_int(request.GET.get("page")) or 1))
    return render(
        request,
        "reports/console_index.html",
        {
            "section": "reports",
            "page": page,
            "q": q,
            "can_issue": permissions.can_issue_special_report(actor),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def special(request):
    actor = _actor(request)
    if not permissions.can_issue_special_report(actor):
        raise PermissionDenied
    if request.method != "POST":
        form = SpecialReportForm(
            initial={"period_from": special_reports.DEFAULT_FROM, "period_to": timezone.localdate()}
        )
        return _special_page(request, form)
    form = SpecialReportForm(request.POST)
    if not form.is_valid():
        return _special_page(request, form, status=400)
    subject = Subject.objects.filter(uscc=form.cleaned_data["uscc"]).first()
    if subject is None:
        form.add_error("uscc", "平台没有该统一社会信用代码的信用主体")
        return _special_page(request, form, status=400)
    try:
        report, data = services.special_report(
            actor,
            subject,
            form.cleaned_data["period_from"],
            form.cleaned_data["period_to"],
            list(form.cleaned_data["domains"]),
        )
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return _special_page(request, form, status=exc.status or 400)
    return views.pdf_response(report, data)


def _special_page(request, form, status: int = 200):
    return render(
        request,
        "reports/console_special.html",
        {"section": "reports", "form": form},
        status=status,
    )


@login_required
@require_safe
def download(request, number: str):
    actor = _actor(request)
    if not permissions.can_read_report_register(actor):
        raise PermissionDenied
    report = CreditReport.objects.filter(number=number[:22]).first()
    if report is None:
        raise Http404("未找到该报告")
    data = services.read_pdf(report)
    if data is None:
        raise Http404("报告文件已不存在或已损坏")
    services.log_download(actor, report)
    return views.pdf_response(report, data)
