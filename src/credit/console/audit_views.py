"""Audit trail pages for auditors and the credit office: filter, page, read.

They live in console, not audit: audit sits at the bottom of the layers (every app writes
the log) while these pages read names across apps (subjects, lists, catalog)."""

from __future__ import annotations

import dataclasses
import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from credit.audit import labels, queries
from credit.audit.forms import LogFilterForm
from credit.core.paging import CappedPaginator
from credit.subjects import queries as subjects

PAGE_SIZE = 50
SECTION = "audit"


def _text(value) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None or value == "":
        return "—"
    if isinstance(value, list) and all(isinstance(item, (str, int)) for item in value):
        return "、".join(str(item) for item in value) or "（无）"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return labels.VALUES.get(value, str(value)) if isinstance(value, str) else str(value)


# Payload keys that hold a subject's id: shown with the subject's name.
_SUBJECT_KEYS = ("subject_id", "subject")


def _fields(payload, object_type: str = "", context: dict | None = None) -> list[tuple[str, str]]:
    """A change's before/after as (Chinese field name, readable value) rows; Python reprs
    of JSON (`{'dry_run': False}`) are unreadable for auditors."""
    if not payload:
        return []
    context = context or {}
    if not isinstance(payload, dict):
        return [("", _text(payload))]
    codes, subjects = context.get("codes", {}), context.get("subjects", {})
    rows = []
    for key, value in payload.items():
        key = str(key)
        name = codes.get(key) or labels.field(object_type, key)
        if key in _SUBJECT_KEYS and isinstance(value, int) and value in subjects:
            text = f"{subjects[value]}（{value}）"
        elif key == "list_type" and value in context.get("list_types", {}):
            text = context["list_types"][value]
        else:
            text = _text(labels.value(object_type, key, value))
        rows.append((name, text))
    return rows


def _subject_ids(entries) -> dict[int, int]:
    """Entry id → subject id, for changes of a record, a list entry or naming a subject."""
    from credit.lists.models import ListEntry
    from credit.records.models import Record

    found: dict[int, int] = {}
    by_type: dict[type, dict[int, list]] = {Record: {}, ListEntry: {}}
    for entry in entries:
        for payload in (entry.after, entry.before):
            if isinstance(payload, dict):
                value = next((payload.get(k) for k in _SUBJECT_KEYS if k in payload), None)
                if isinstance(value, int):
                    found[entry.pk] = value
                    break
        if entry.pk in found or not entry.object_id.isdigit():
            continue
        model = {"record": Record, "ListEntry": ListEntry}.get(entry.object_type)
        if model is not None:
            by_type[model].setdefault(int(entry.object_id), []).append(entry.pk)
    for model, wanted in by_type.items():
        if wanted:
            for pk, subject_id in model.objects.filter(pk__in=wanted).values_list(
                "pk", "subject_id"
            ):
                for entry_pk in wanted[pk]:
                    found[entry_pk] = subject_id
    return found


def _record_field_names(entries) -> dict[str, str]:
    """Exchange codes in record updates (CF_SY) → their catalog labels (违法事实)."""
    from credit.catalog.models import Field

    codes = {
        str(key)
        for entry in entries
        if entry.object_type == "record"
        for payload in (entry.before, entry.after)
        if isinstance(payload, dict)
        for key in payload
        if str(key).isupper()
    }
    if not codes:
        return {}
    return dict(
        Field.objects.filter(code__in=codes).order_by("version_id").values_list("code", "label")
    )


def _describe_changes(entries) -> None:
    from credit.subjects.models import Subject

    subject_of = _subject_ids(entries)
    names = dict(Subject.objects.filter(pk__in=set(subject_of.values())).values_list("pk", "name"))
    from credit.lists.models import ListType

    context = {
        "subjects": names,
        "codes": _record_field_names(entries),
        # List entries name their list by code (samr_serious_violation): show its name.
        "list_types": dict(ListType.objects.values_list("code", "name"))
        if any(entry.object_type == "ListEntry" for entry in entries)
        else {},
    }
    for entry in entries:
        subject_id = subject_of.get(entry.pk)
        entry.subject_text = (
            f"{names.get(subject_id, '（已删除）')}（{subject_id}）" if subject_id else ""
        )
        entry.before_fields = _fields(entry.before, entry.object_type, context)
        entry.after_fields = _fields(entry.after, entry.object_type, context)


def _forbidden(request):
    return render(
        request, "audit/forbidden.html", {"section": SECTION, "title": "无权访问"}, status=403
    )


def _page(request, queryset, template: str, title: str, choices: list[tuple[str, str]]):
    form = LogFilterForm(request.GET or None)
    log_filter = form.to_filter() if form.is_bound else queries.LogFilter()
    if log_filter.subject_name or log_filter.uscc:
        ids = subjects.ids_matching(log_filter.subject_name, log_filter.uscc)
        log_filter = dataclasses.replace(log_filter, subject_ids=tuple(ids))
    page = CappedPaginator(queryset(log_filter), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    if template == "audit/changes.html":
        _describe_changes(page.object_list)
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
