"""Portal pages of credit repair: the self-check (信用修复自查) of a publicly shown record
and the application form (申请信用修复), rate-limited like the objection form."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from credit import facts
from credit.applications import limits
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.portal import present, public_facts
from credit.portal.repairs_api import public_record, submit_repair
from credit.repairs import eligibility
from credit.repairs.forms import RepairForm
from credit.repairs.services import COMMITMENT_TEXT

PUBLIC_APPLICANT = "公众申请人（网站）"


@require_safe
def repair_check(request, token: str):
    record = public_record(token)
    if record is None:
        return render(
            request, "portal/404.html", {"message": "该信息不存在或已不在公示期内"}, status=404
        )
    return render(
        request,
        "portal/repair_eligibility.html",
        {
            "record": present.present_record(record),
            "answer": eligibility.for_record(record),
            "title": "信用修复自查",
            "noindex": True,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply_for_repair(request, token: str, code: str | None = None):
    """申请信用修复 of a publicly shown record (`token` from its page) or list entry (`code`
    and `token` from the list's page): one form and one service for both kinds."""
    if code is None:
        fact = public_facts.find(token, kind=facts.RECORD)
    else:
        fact = public_facts.find(token, list_code=code)
    if fact is None:
        return render(
            request, "portal/404.html", {"message": "该信息不存在或已不在公示期内"}, status=404
        )
    answer = fact.eligibility()
    form = RepairForm(request.POST or None, initial=fact.form_initial)
    error, status = "", 200
    if request.method == "POST":
        refused = limits.refused(request, as_json=False)
        if refused is not None:
            return refused
    if not answer.eligible:
        # Refused with the date from which it may be made (the self-check's message).
        error, status = answer.message, 409 if request.method == "POST" else 200
    elif request.method == "POST":
        if form.is_valid():
            try:
                app, query_code = submit_repair(
                    Actor(label=PUBLIC_APPLICANT),
                    fact.fact,
                    form.cleaned_data,
                    request.FILES.getlist("materials"),
                    "portal",
                )
            except ServiceError as exc:
                error, status = exc.message, 409 if exc.code == "not_eligible" else 400
            else:
                return render(
                    request,
                    "portal/repair_submitted.html",
                    {"application": app, "query_code": query_code, "noindex": True},
                )
        else:
            status = 400
    return render(
        request,
        "portal/repair_form.html",
        {
            "fact": fact,
            "answer": answer,
            "form": form,
            "error": error,
            "commitment_text": COMMITMENT_TEXT,
            "noindex": True,
        },
        status=status,
    )
