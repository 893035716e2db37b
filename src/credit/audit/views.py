"""Audit trail pages for auditors and the credit office: filter, page, read."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from credit.audit import labels, queries
from credit.audit.forms import LogFilterForm
from credit.core.paging import CappedPaginator

PAGE_SIZE = 50
SECTION = "audit"


def _text(value) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None or value == "":
        return "—"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return labels.VALUES.get(value, str(value)) if isinstance(value, str) else str(value)


def _fields(payload) -> list[tuple[str, str]]:
    """A change's before/after as (field, readable value) rows; Python reprs of JSON
    (`{'dry_run': False}`) are unreadable for auditors."""
    if not payload:
        return []
    if isinstance(payload, dict):
        return [
            (labels.FIELDS.get(str(key), str(key)), _text(value)) for key, value in payload.items()
        ]
    return [("", _text(payload))]


def _forbidden(request):
    return render(
        request, "audit/forbidden.html", {"section": SECTION, "title": "无权访问"}, status=403
    )


def _page(request, queryset, template: str, title: str, choices: list[tuple[str, str]]):
    form = LogFilterForm(request.GET or None)
    log_filter = form.to_filter() if form.is_bound else queries.LogFilter()
    page = CappedPaginator(queryset(log_filter), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.before_fields = _fields(getattr(entry, "before", None))
        entry.after_fields = _fields(getattr(entry, "after", None))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "section": SECTION,
            "title": title,
            "view_name": request.resolver_match.view_name,
            "form": form,
            "page": page,
            "choices": choices,
            "query": query.urlencode(),
        },
    )


@login_required
def change_list(request):
    if not queries.can_browse(request.user):
        return _forbidden(request)
    return _page(
        request, queries.changes, "audit/changes.html", "变更日志", queries.change_actions()
    )


@login_required
def access_list(request):
    if not queries.can_browse(request.user):
        return _forbidden(request)
    return _page(
        request, queries.accesses, "audit/access.html", "查询日志", queries.access_resources()
    )
