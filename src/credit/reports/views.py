"""Public report pages: the report download from a profile and the verify page.

Parse, call the service, answer. A report is a signed PDF, costlier than a page, so its
download counts against a limit of its own per client address besides the portal's.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from credit.core import ratelimit
from credit.core.errors import NotFound
from credit.reports import services
from credit.reports.forms import VerifyForm
from credit.reports.services import NotReportable, ReportsUnavailable

PDF_TYPE = "application/pdf"


def pdf_response(report, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="credit-report-{report.number}.pdf"'
    response["X-Report-Number"] = report.number
    response["Cache-Control"] = "no-store"
    return response


def report_limited(request, *, as_json: bool):
    """The report's own per-address limit: a refusal response, or None."""
    verdict = ratelimit.check(
        f"report:{ratelimit.client_address(request)}", int(settings.CREDIT_REPORT_PER_MINUTE)
    )
    if verdict.allowed:
        return None
    return ratelimit.too_many_requests(request, verdict, as_json=as_json)


@require_safe
def public_report(request, public_id: str):
    refused = report_limited(request, as_json=False)
    if refused is not None:
        return refused
    actor = services.anonymous(ratelimit.client_address(request))
    try:
        subject = services.reportable_subject(public_id)
        report, data = services.public_report(actor, subject)
    except NotReportable as exc:
        return render(request, "portal/404.html", {"message": exc.message}, status=404)
    except ReportsUnavailable as exc:
        return render(request, "portal/404.html", {"message": exc.message}, status=503)
    return pdf_response(report, data)


def _verify_page(request, *, form, report=None, file_result=None, status=200):
    return render(
        request,
        "reports/verify.html",
        {"form": form, "report": report, "file_result": file_result},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """The form: a number to look up, or a PDF to compare byte for byte."""
    if request.method != "POST":
        number = request.GET.get("number", "").strip()
        if number:
            return redirect("reports:verify_number", number=number[:40])
        return _verify_page(request, form=VerifyForm())
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _verify_page(request, form=form, status=400)
    actor = services.anonymous(ratelimit.client_address(request))
    upload = form.cleaned_data.get("file")
    if upload is not None:
        report = services.verify_file(actor, form.file_bytes())
        return _verify_page(
            request, form=VerifyForm(), report=report, file_result="match" if report else "no_match"
        )
    return redirect("reports:verify_number", number=form.cleaned_data["number"])


@require_safe
def verify_number(request, number: str):
    actor = services.anonymous(ratelimit.client_address(request))
    try:
        report = services.verify_number(actor, number)
    except NotFound as exc:
        form = VerifyForm(initial={"number": number[:40]})
        return render(
            request,
            "reports/verify.html",
            {"form": form, "not_found": exc.message},
            status=404,
        )
    return _verify_page(request, form=VerifyForm(), report=report)
