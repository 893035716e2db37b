"""Public pages of the due-process applications: file an objection to a record or a list
entry, and the status page opened by tracking number and query code. Thin: the objection
and application services decide; submissions are rate-limited per address on top of the
general limit."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from credit.applications import limits
from credit.applications import queries as application_queries
from credit.applications import services as applications
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.objections import services as objections
from credit.objections.forms import ObjectionForm, StatusForm
from credit.portal import public_facts
from credit.repairs import present as repair_present
from credit.reports import applications as report_applications

PUBLIC_APPLICANT = "公众申请人（网站）"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def new_objection(request, token: str):
    """异议 to a publicly shown record or list entry (`token` is either kind's public id)."""
    fact = public_facts.find(token)
    if fact is None:
        return render(
            request, "portal/404.html", {"message": "该信息不存在或已不在公示期内"}, status=404
        )
    form = ObjectionForm(request.POST or None, initial=fact.form_initial)
    error, status = "", 200
    if request.method == "POST":
        refused = limits.refused(request, as_json=False)
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                objection, code = objections.submit(
                    Actor(label=PUBLIC_APPLICANT),
                    kind=fact.kind,
                    fact_id=fact.fact.pk,
                    party=form.party(),
                    reason=form.cleaned_data["reason"],
                    uploads=request.FILES.getlist("materials"),
                    channel="portal",
                )
            except ServiceError as exc:
                error, status = exc.message, 400
            else:
                return render(
                    request,
                    "portal/objection_submitted.html",
                    {"application": objection.application, "query_code": code, "noindex": True},
                )
        else:
            status = 400
    return render(
        request,
        "portal/objection_form.html",
        {"fact": fact, "form": form, "error": error, "noindex": True},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def application_status(request):
    form = StatusForm(request.POST or None)
    found, error, status, report = None, "", 200, None
    about_label = "异议信息"
    if request.method == "POST":
        refused = limits.refused(request, as_json=False)
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                application = applications.find_for_applicant(
                    form.cleaned_data["tracking_number"], form.cleaned_data["query_code"]
                )
            except ServiceError as exc:
                error, status = exc.message, 404
            else:
                objection = objections.for_application(application)
                special = report_applications.for_application(application)
                about = objection.fact_label if objection else ""
                repair = repair_present.for_application(application)
                if repair is not None:
                    about, about_label = repair_present.fact_label(repair), "修复信息"
                if special is not None:
                    about = report_applications.describe(special)
                    about_label = "申请事项"
                    report = special.report
                found = application_queries.status(application, about)
        else:
            status = 400
    return render(
        request,
        "portal/application_status.html",
        {
            "form": form,
            "status": found,
            "error": error,
            "report": report,
            "about_label": about_label,
            "noindex": True,
        },
        status=status,
    )
