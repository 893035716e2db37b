"""本单位记录: a department's records and list entries, a record's versions and publication
history, and the 撤回 and 更正 actions with a confirmation step. Parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from credit import facts
from credit.accounts import permissions
from credit.audit.context import request_id
from credit.collection import corrections
from credit.console.record_forms import CorrectForm, WithdrawForm
from credit.core.actors import Actor
from credit.core.errors import NotFound, ServiceError
from credit.core.paging import CappedPaginator
from credit.lists import queries as list_queries
from credit.lists.models import EntryState
from credit.records import queries
from credit.records import services as record_services
from credit.records.filters import DepartmentRecordFilter
from credit.records.models import Visibility, WithdrawalBasis

PAGE_SIZE = 50
READ_PURPOSE = "本单位记录查阅"


def _actor(request) -> Actor:
    actor = Actor.for_user(request.user, request_id=request_id.get())
    if not permissions.can_list_department_records(actor):
        raise PermissionDenied
    return actor


def _record(actor: Actor, record_id: int):
    try:
        return queries.department_record(actor, record_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _query(request, drop=("page",)) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in drop and v])


@login_required
def record_list(request):
    actor = _actor(request)
    sees_all = permissions.sees_every_department(actor)
    if request.GET.get("tab") == "entries":
        return _entry_list(request, actor, sees_all)
    filterset = DepartmentRecordFilter(
        request.GET or None,
        queryset=queries.department_records(actor),
        sees_every_department=sees_all,
    )
    valid = filterset.is_valid() if request.GET else True
    records = filterset.qs if valid else queries.department_records(actor).none()
    page = CappedPaginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    queries.log_department_read(actor, rows, READ_PURPOSE)
    today = timezone.localdate()
    return render(
        request,
        "console/records/list.html",
        {
            "section": "records",
            "title": "本单位记录",
            "tab": "records",
            "filter": filterset,
            "page": page,
            "rows": [(r, queries.state_of(r, today)) for r in rows],
            "sees_all": sees_all,
            "query": _query(request),
        },
        status=200 if valid else 400,
    )


def _entry_list(request, actor: Actor, sees_all: bool):
    entries = list_queries.entries_of_department(actor.department_id, sees_all)
    state = request.GET.get("state", "")
    if state in EntryState.values:
        entries = entries.filter(state=state)
    page = CappedPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/records/entries.html",
        {
            "section": "records",
            "title": "本单位记录：名单条目",
            "tab": "entries",
            "page": page,
            "states": EntryState.choices,
            "state": state,
            "sees_all": sees_all,
            "can_open": permissions.can_use_list_console(actor),
            "query": _query(request),
        },
    )


@login_required
def record_detail(request, record_id: int):
    actor = _actor(request)
    record = _record(actor, record_id)
    queries.log_department_read(actor, [record], READ_PURPOSE)
    return render(request, "console/records/detail.html", _detail_context(actor, record))


def _detail_context(actor: Actor, record) -> dict:
    code, label = queries.state_of(record)
    labels = dict(Visibility.choices)
    return {
        "section": "records",
        "title": f"信用记录：{record.doc_number}",
        "record": record,
        "state": code,
        "state_label": label,
        "disputed": bool(facts.disputed(facts.RECORD, [record.pk])),
        "fields": corrections.form_fields(record),
        "withdrawal": getattr(record, "withdrawal", None) if record.withdrawn_at else None,
        "versions": queries.version_changes(record),
        "changes": [
            (c, labels.get(c.from_state, c.from_state), labels.get(c.to_state, c.to_state))
            for c in queries.visibility_history(record)
        ],
        "can_withdraw": record.withdrawn_at is None and permissions.can_withdraw(actor, record),
        "can_correct": record.withdrawn_at is None and permissions.can_correct(actor, record),
        "other_department": record.department_id != actor.department_id,
    }


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, record_id: int):
    actor = _actor(request)
    record = _record(actor, record_id)
    if record.withdrawn_at is not None or not permissions.can_withdraw(actor, record):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    confirming = False
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif request.POST.get("confirm") != "1":
            confirming = True  # the summary page, with 确认撤回
        else:
            data = form.cleaned_data
            try:
                record_services.withdraw(
                    actor,
                    record,
                    data["reason"],
                    basis=data["basis"],
                    document_number=data["document_number"],
                    document_date=data["document_date"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, "已撤回该记录：停止公示和共享，已通知接收过该记录的系统")
                return redirect("dept_records:detail", record_id=record.pk)
    basis = dict(WithdrawalBasis.choices).get(form.data.get("basis", ""), "")
    return render(
        request,
        "console/records/withdraw.html",
        {
            "section": "records",
            "title": "撤回记录",
            "record": record,
            "form": form,
            "confirming": confirming,
            "basis_label": basis,
            "other_department": record.department_id != actor.department_id,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, record_id: int):
    actor = _actor(request)
    record = _record(actor, record_id)
    if record.withdrawn_at is not None or not permissions.can_correct(actor, record):
        raise PermissionDenied
    try:
        shown = corrections.form_fields(record)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    form = CorrectForm(request.POST or None, fields=shown)
    confirming, diff, status = False, [], 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            changes = form.changes()
            labels = {item.field.code: item for item in shown}
            diff = [
                (
                    labels[code].field.label,
                    labels[code].value,
                    "（已填写新号码）" if labels[code].secret else value,
                )
                for code, value in changes.items()
            ]
            if not changes:
                form.add_error(None, "没有修改任何字段，无需更正")
                status = 400
            elif request.POST.get("confirm") != "1":
                confirming = True
            else:
                try:
                    corrections.correct(actor, record, changes, form.cleaned_data["reason"])
                except corrections.CorrectionRefused as exc:
                    for code, message in exc.problems:
                        name = f"f_{code}"
                        target = (
                            name if name in form.fields and not form.fields[name].disabled else None
                        )
                        form.add_error(target, message)
                    status = 422
                except ServiceError as exc:
                    form.add_error(None, exc.message)
                    status = exc.status if exc.status in (400, 409) else 400
                else:
                    messages.success(request, "已保存更正版本，原版本保留在历史版本中")
                    return redirect("dept_records:detail", record_id=record.pk)
    return render(
        request,
        "console/records/correct.html",
        {
            "section": "records",
            "title": "更正记录",
            "record": record,
            "form": form,
            "confirming": confirming,
            "diff": diff,
            "other_department": record.department_id != actor.department_id,
        },
        status=status,
    )
