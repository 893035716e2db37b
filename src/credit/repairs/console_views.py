"""信用修复 queue of the console: a department's applications with their clocks (the credit
office sees every department's and the overdue ones), and the steps. Parse, call, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from credit.applications import materials as material_files
from credit.applications import services as applications
from credit.applications.models import Channel
from credit.audit.context import request_id
from credit.audit.services import log_access
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied as Forbidden
from credit.core.errors import ServiceError
from credit.core.forms import SafeInputMixin
from credit.core.paging import CappedPaginator
from credit.repairs import permissions as perms
from credit.repairs import present, queries, services
from credit.repairs.filters import RepairQueueFilter
from credit.repairs.forms import WindowRepairForm
from credit.repairs.models import State

PAGE_SIZE = 50


def _actor(request) -> Actor:
    actor = Actor.for_user(request.user, request_id=request_id.get())
    if not perms.can_use_queue(actor):
        raise PermissionDenied
    return actor


def _application(actor: Actor, tracking_number: str):
    app = queries.by_tracking_number(actor, tracking_number)
    if app is None:
        raise Http404("未找到该信用修复申请")
    return app


@login_required
@require_safe
def queue(request):
    actor = _actor(request)
    sees_all = perms.sees_every_queue(actor)
    rows = queries.queue(actor)
    filterset = RepairQueueFilter(request.GET or None, queryset=rows, sees_every_queue=sees_all)
    valid = filterset.is_valid() if request.GET else True
    found = filterset.qs if valid else rows.none()
    page = CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    items = [
        (app, queries.current_due(app), queries.is_overdue(app, today)) for app in page.object_list
    ]
    return render(
        request,
        "repairs/console_queue.html",
        {
            "section": "repairs",
            "title": "信用修复",
            "filter": filterset,
            "page": page,
            "items": items,
            "sees_all": sees_all,
            "can_enter_window": perms.can_enter_window(actor),
            "overdue_count": rows.filter(queries.overdue(today)).count(),
            "query": urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v]),
        },
    )


class StepForm(SafeInputMixin, forms.Form):
    text = forms.CharField(label="理由", max_length=2000, required=False, widget=forms.Textarea)
    document_number = forms.CharField(label="决定书文号", max_length=128, required=False)


def _detail_page(request, actor: Actor, app, *, form=None, error: str = "", status: int = 200):
    return render(
        request,
        "repairs/console_detail.html",
        {
            "section": "repairs",
            "title": f"信用修复申请 {app.tracking_number}",
            "app": app,
            "view": present.for_department(app),
            "may_act": perms.can_decide(actor, app),
            "State": State,
            "form": form,
            "error": error,
            "materials": list(app.application.materials.all()) if app.application_id else [],
        },
        status=status,
    )


@login_required
@require_safe
def material(request, tracking_number: str, material_id: int):
    """A material of the application, for the deciding department, the credit office and
    the auditor; each read is access-logged by the applications service."""
    actor = _actor(request)
    app = _application(actor, tracking_number)
    if app.application_id is None:
        raise Http404("申请材料不存在")
    try:
        found, data = applications.read_material(actor, app.application, material_id)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    response = HttpResponse(data, content_type=material_files.CONTENT_TYPES[found.file_type])
    response["Content-Disposition"] = f"attachment; filename=material-{found.pk}.{found.file_type}"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def detail(request, tracking_number: str):
    actor = _actor(request)
    app = _application(actor, tracking_number)
    log_access(actor, queries.ACCESS_RESOURCE, "办理信用修复申请", app.subject_id, app.subject.name)
    return _detail_page(request, actor, app)


ACTIONS = {"accept", "reject", "extend", "repair", "refuse", "revoke"}
DONE = {
    "accept": "已受理",
    "reject": "已不予受理",
    "extend": "决定期限已延长",
    "repair": "已作出准予修复决定，该信息已停止公示和共享",
    "refuse": "已作出不予修复决定",
    "revoke": "已撤销信用修复，该信息已恢复",
}


def _run(actor: Actor, app, action: str, text: str, document_number: str) -> None:
    if action == "accept":
        services.accept(actor, app, text)
    elif action == "reject":
        services.reject(actor, app, text)
    elif action == "extend":
        services.extend(actor, app, text)
    elif action in ("repair", "refuse"):
        services.decide(actor, app, repair=action == "repair", reason=text)
    else:
        services.revoke(actor, app, text, document_number)


@login_required
@require_POST
def act(request, tracking_number: str, action: str):
    actor = _actor(request)
    if action not in ACTIONS:
        raise Http404("未知的办理事项")
    app = _application(actor, tracking_number)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, actor, app, form=form, status=400)
    try:
        _run(actor, app, action, form.cleaned_data["text"], form.cleaned_data["document_number"])
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ServiceError as exc:
        app.refresh_from_db()
        return _detail_page(request, actor, app, form=form, error=exc.message, status=400)
    messages.success(request, DONE[action])
    return redirect("repairs_console:detail", tracking_number=app.tracking_number)


def _window_submit(actor: Actor, form: WindowRepairForm, uploads: list):
    """The paper application as the office entered it: the party as written on it, the
    commitment signed on paper, the day it was received (starts the 受理 clock)."""
    data = form.cleaned_data
    fact = services.repairable_by_document(data["fact_kind"], data["doc_number"])
    return services.submit_as_entered(
        actor, fact, data, uploads, Channel.WINDOW, on=data.get("received_on")
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def window(request):
    actor = _actor(request)
    if not perms.can_enter_window(actor):
        raise PermissionDenied
    form = WindowRepairForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                app, code = _window_submit(actor, form, request.FILES.getlist("materials"))
            except ServiceError as exc:
                error = exc.message
                status = 409 if exc.code == "not_eligible" else 400
            else:
                return render(
                    request,
                    "repairs/window_done.html",
                    {"section": "repairs", "title": "窗口录入完成",
                     "application": app, "query_code": code},
                )  # fmt: skip
    return render(
        request,
        "repairs/window.html",
        {"section": "repairs", "title": "窗口录入信用修复申请", "form": form, "error": error,
         "commitment_text": services.COMMITMENT_TEXT},
        status=status,
    )  # fmt: skip
