"""Console pages of the recognising department: its entries and the procedure buttons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_POST

from credit.accounts import permissions
from credit.audit.context import request_id
from credit.audit.services import log_access
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.lists import forms, materials, queries, services
from credit.lists.models import EntryState, ListEntry, ListType

PAGE_SIZE = 50

# action → (form, button label). Which of them an entry offers is services.allowed_actions.
ACTIONS = {
    "statement": (forms.StatementForm, "登记陈述申辩"),
    "waive": (forms.WaiveForm, "登记书面放弃陈述申辩"),
    "decide": (forms.DecideForm, "作出列入决定"),
    "withdraw": (forms.WithdrawForm, "不予列入"),
    "publish": (forms.PublishForm, "公开"),
    "remove": (forms.RemoveForm, "移出"),
}
# The purpose written to the access log when a console page shows a person's masked number.
ACCESS_PURPOSE = "名单管理办理"


def _actor(request) -> Actor:
    # Auditors read logs only (等保 separation of duties): list work is not theirs.
    actor = Actor.for_user(request.user, request_id=request_id.get())
    if not permissions.can_use_list_console(actor):
        raise PermissionDenied
    return actor


def _sees_all(actor: Actor) -> bool:
    return actor.is_credit_admin or services.can_act(actor, None)


def _actable_list_types(actor: Actor):
    types = ListType.objects.filter(active=True)
    if _sees_all(actor):
        return types
    return types.filter(department_id=actor.department_id)


def _entry_for(actor: Actor, entry_id: int) -> ListEntry:
    entry = (
        ListEntry.objects.select_related("list_type", "subject", "department")
        .filter(pk=entry_id)
        .first()
    )
    # Another department's entries do not exist for this user.
    if entry is None or not services.can_act(actor, entry.department_id):
        raise Http404("名单条目不存在")
    return entry


def _for_subject(actor: Actor, form, make):
    """`make(subject)` for the subject the form names, or None with the reason on the form.

    One transaction: a person registered for an entry the service then refuses is not kept.
    """
    data = form.cleaned_data
    try:
        with transaction.atomic():
            subject = services.subject_for_entry(
                actor, data["subject_kind"], data["uscc"], data["id_number"], data["subject_name"]
            )
            return make(subject)
    except ServiceError as exc:
        if not exc.code.startswith("subject_"):
            form.add_error(None, exc.message)
        elif data["uscc"]:
            form.add_error("uscc", exc.message)
        elif exc.code == "subject_name_required":
            form.add_error("subject_name", exc.message)
        else:
            form.add_error("id_number", exc.message)
        return None


@login_required
def entry_list(request):
    actor = _actor(request)
    entries = queries.entries_of_department(actor.department_id, _sees_all(actor))
    state = request.GET.get("state", "")
    if state in EntryState.values:
        entries = entries.filter(state=state)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lists/console_list.html",
        {
            "section": "lists",
            "title": "名单管理",
            "page": page,
            "states": EntryState.choices,
            "state": state,
            "query": urlencode({"state": state}) if state else "",
        },
    )


@login_required
def new_entry(request):
    actor = _actor(request)
    list_types = _actable_list_types(actor)
    form = forms.NotifyForm(request.POST or None, list_types=list_types)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = _for_subject(
            actor,
            form,
            lambda subject: services.notify(
                actor,
                data["list_type"],
                subject,
                data["notice_number"],
                data["notice_date"],
                data["reasons"],
                data["served_how"],
            ),
        )
        if entry is not None:
            messages.success(
                request, f"已登记告知，陈述申辩期至 {entry.statement_deadline.isoformat()}"
            )
            return redirect("lists_console:detail", entry_id=entry.pk)
    return render(
        request,
        "lists/console_new.html",
        {"section": "lists", "title": "告知拟列入名单", "form": form, "submit_label": "登记告知"},
    )


@login_required
def enter_decided(request):
    actor = _actor(request)
    form = forms.EnterDecidedForm(request.POST or None, list_types=_actable_list_types(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = _for_subject(
            actor,
            form,
            lambda subject: services.enter_decided(
                actor,
                data["list_type"],
                subject,
                data["decision_number"],
                data["decision_date"],
                data["facts"],
                data["basis"],
                data["period_end"],
                publish_now=data["publish_now"],
                authority_name=data["authority_name"],
            ),
        )
        if result is not None:
            entry, created = result
            if created:
                messages.success(request, "已录入列入决定")
            else:
                messages.info(request, "该决定已录入，未重复录入")
            return redirect("lists_console:detail", entry_id=entry.pk)
    return render(
        request,
        "lists/console_new.html",
        {
            "section": "lists",
            "title": "录入已作出的列入决定",
            "form": form,
            "submit_label": "录入决定",
        },
    )


def _forms_for(entry: ListEntry, bound: dict | None = None) -> list[dict]:
    offered = []
    for action in services.allowed_actions(entry):
        form_class, label = ACTIONS[action]
        form = (bound or {}).get(action) or form_class(prefix=action)
        offered.append({"action": action, "label": label, "form": form})
    return offered


@login_required
def entry_detail(request, entry_id: int, bound: dict | None = None, status: int = 200):
    actor = _actor(request)
    entry = _entry_for(actor, entry_id)
    return render(
        request,
        "lists/console_detail.html",
        {
            "section": "lists",
            "title": f"名单条目：{entry.subject.name}",
            "entry": entry,
            "events": entry.events.all(),
            "actions": _forms_for(entry, bound),
            "is_current": queries.is_current(entry),
            "id_number": services.masked_id_number(actor, entry.subject, ACCESS_PURPOSE),
            "statement_pending": _statement_pending(entry),
        },
        status=status,
    )


def _run(actor: Actor, entry: ListEntry, action: str, data: dict) -> str:
    if action == "statement":
        services.record_statement(actor, entry, data["text"], data["answer"])
        return "已登记陈述申辩意见及核实答复"
    if action == "waive":
        services.waive_statement(
            actor, entry, data["waived_on"], data["document_number"], data.get("document")
        )
        return "已登记当事人书面放弃陈述申辩"
    if action == "decide":
        services.decide(
            actor,
            entry,
            data["decision_number"],
            data["decision_date"],
            data["facts"],
            data["basis"],
            period_end=data["period_end"],
            measures_note=data["measures_note"],
        )
        return "已作出列入决定"
    if action == "withdraw":
        services.withdraw(actor, entry, data["reason"])
        return "已决定不予列入"
    if action == "publish":
        services.publish(actor, entry, on=data["on"])
        return "已公开"
    services.remove(actor, entry, data["reason"], on=data["on"], kind=data["kind"])
    return "已移出名单"


@login_required
@require_POST
def entry_action(request, entry_id: int, action: str):
    if action not in ACTIONS:
        raise Http404("未知的操作")
    actor = _actor(request)
    entry = _entry_for(actor, entry_id)
    form = ACTIONS[action][0](request.POST, request.FILES, prefix=action)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容")
        return entry_detail(request, entry_id, bound={action: form}, status=400)
    try:
        message = _run(actor, entry, action, form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return entry_detail(request, entry_id, bound={action: form}, status=400)
    messages.success(request, message)
    return redirect("lists_console:detail", entry_id=entry.pk)


def _statement_pending(entry: ListEntry) -> bool:
    """Still inside the statement window with no waiver: why 作出列入决定 is not offered yet."""
    return (
        entry.state == EntryState.NOTIFIED
        and not entry.statement_waived
        and entry.statement_deadline is not None
        and "decide" not in services.allowed_actions(entry)
    )


@login_required
@require_GET
def waiver_material(request, entry_id: int):
    """The written waiver's scan, for the department handling the entry (never public)."""
    actor = _actor(request)
    entry = _entry_for(actor, entry_id)
    if not entry.statement_waiver_file:
        raise Http404("书面材料不存在")
    try:
        content = materials.read(entry.pk, entry.statement_waiver_file)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    log_access(actor, "lists.waiver_material", ACCESS_PURPOSE, entry.subject_id, entry.subject.name)
    response = HttpResponse(
        content, content_type=materials.content_type(entry.statement_waiver_file_name)
    )
    response["Content-Disposition"] = content_disposition_header(
        False, entry.statement_waiver_file_name or "waiver"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
