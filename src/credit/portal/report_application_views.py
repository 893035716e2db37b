"""Public pages of the 专项信用报告 application: the form, and the download of the issued
report from the status page (tracking number and query code posted again, never in a URL).
Thin: `reports.applications` decides; submissions share the applications' per-address limit.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from credit.applications import limits
from credit.applications import services as applications
from credit.core import ratelimit
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.objections.forms import StatusForm
from credit.reports import applications as report_applications
from credit.reports.forms import SpecialReportApplicationForm
from credit.reports.special import DEFAULT_FROM
from credit.reports.views import pdf_response

PUBLIC_APPLICANT = "公众申请人（网站）"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def new_special_report(request):
    form = SpecialReportApplicationForm(
        request.POST or None,
        initial={"period_from": DEFAULT_FROM, "period_to": timezone.localdate()},
    )
    error, status = "", 200
    if request.method == "POST":
        refused = limits.refused(request, as_json=False)
        if refused is not None:
            return refused
        if form.is_valid():
            data = form.cleaned_data
            try:
                found, code = report_applications.submit(
                    Actor(label=PUBLIC_APPLICANT),
                    party=form.party(),
                    period_from=data["period_from"],
                    period_to=data["period_to"],
                    domain_ids=[d.pk for d in data["domains"]],
                    uploads=request.FILES.getlist("materials"),
                    purpose=data.get("purpose", ""),
                )
            except ServiceError as exc:
                error, status = exc.message, 400
            else:
                return render(
                    request,
                    "portal/special_report_submitted.html",
                    {"application": found.application, "query_code": code, "noindex": True},
                )
        else:
            status = 400
    return render(
        request,
        "portal/special_report_form.html",
        {"form": form, "error": error, "noindex": True},
        status=status,
    )


@never_cache
@require_POST
def status_report(request):
    """The issued report, for whoever holds the tracking number and query code."""
    refused = limits.refused(request, as_json=False)
    if refused is not None:
        return refused
    form = StatusForm(request.POST)
    message, status = "请填写受理编号和查询码", 400
    if form.is_valid():
        try:
            application = applications.find_for_applicant(
                form.cleaned_data["tracking_number"], form.cleaned_data["query_code"]
            )
            actor = Actor(label=f"申请人（{ratelimit.client_address(request) or '未知地址'}）")
            report, data = report_applications.applicant_download(actor, application)
        except ServiceError as exc:
            message, status = exc.message, exc.status or 404
        else:
            return pdf_response(report, data)
    return render(
        request,
        "portal/application_status.html",
        {"form": form, "status": None, "error": message, "noindex": True},
        status=status,
    )
