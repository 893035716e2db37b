"""Public pages of the red and black lists: the list types and each list's current public
entries, with the measures a list carries. Portal pages (all public pages live here);
the URL names stay `lists:index` / `lists:detail` (portal/list_urls.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from credit import facts
from credit.core.masking import mask_person_name
from credit.lists import queries
from credit.lists.models import Color
from credit.measures import queries as measures
from credit.portal.opaque import entry_pk, entry_token
from credit.repairs import eligibility

PAGE_SIZE = 50


def public_name(subject) -> str:
    """Persons appear by surname only on public pages."""
    return mask_person_name(subject.name) if subject.kind == "person" else subject.name


@require_safe
def index(request):
    counts = dict(
        facts.readable(facts.LIST_ENTRY, facts.Audience.PUBLIC)
        .values("list_type")
        .annotate(n=Count("id"))
        .values_list("list_type", "n")
    )
    list_types = queries.active_list_types()
    for list_type in list_types:
        list_type.public_count = counts.get(list_type.pk, 0)
    return render(
        request,
        "lists/index.html",
        {
            "title": "红黑名单",
            "red": [t for t in list_types if t.color == Color.RED],
            "black": [t for t in list_types if t.color == Color.BLACK],
        },
    )


@require_safe
def list_detail(request, code: str):
    list_type = queries.get_list_type(code)
    if list_type is None or not list_type.active:
        raise Http404("名单不存在")
    page = Paginator(queries.public_entries(list_type), PAGE_SIZE).get_page(request.GET.get("page"))
    disputed = facts.disputed(facts.LIST_ENTRY, [entry.pk for entry in page.object_list])
    rows = [
        {
            "name": public_name(entry.subject),
            "public_id": entry.subject.public_id,
            "decision_number": entry.decision_number,
            "decision_date": entry.decision_date,
            "period_start": entry.period_start,
            "period_end": entry.period_end,
            "authority": entry.authority_name
            or (entry.department.name if entry.department_id else ""),
            "token": entry_token(entry.pk),
            "disputed": entry.pk in disputed,
        }
        for entry in page.object_list
    ]
    return render(
        request,
        "lists/detail.html",
        {
            "title": list_type.name,
            "list_type": list_type,
            "page": page,
            "rows": rows,
            "measures": measures.measures_of_list(list_type.pk),
        },
    )


@require_safe
def entry_repair_check(request, code: str, token: str):
    """信用修复自查 of a publicly shown list entry: whether its list allows early removal by
    repair, from when, and which materials are needed."""
    pk = entry_pk((token or "").strip())
    entry = (
        facts.readable(facts.LIST_ENTRY, facts.Audience.PUBLIC)
        .select_related("list_type", "subject", "department")
        .filter(pk=pk, list_type__code=code)
        .first()
        if pk is not None
        else None
    )
    if entry is None:
        return render(
            request, "portal/404.html", {"message": "该名单信息不存在或已不再公开"}, status=404
        )
    return render(
        request,
        "portal/entry_repair_eligibility.html",
        {
            "list_type": entry.list_type,
            "entry": entry,
            "name": public_name(entry.subject),
            "authority": entry.authority_name
            or (entry.department.name if entry.department_id else ""),
            "answer": eligibility.for_entry(entry),
            "token": entry_token(entry.pk),
            "disputed": bool(facts.disputed(facts.LIST_ENTRY, [entry.pk])),
            "title": "信用修复自查",
            "noindex": True,
        },
    )
