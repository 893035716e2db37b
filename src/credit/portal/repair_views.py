"""Portal page of the repair self-check (信用修复自查) of a publicly shown record."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from credit.portal import present
from credit.portal.repairs_api import public_record
from credit.repairs import eligibility


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
