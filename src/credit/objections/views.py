"""Console pages of objections: the queue with clocks and filters, an objection's page
(steps, materials, actions), the actions, and the credit office's window entry.

Thin: the services check permission again and decide; reads of an application (it names a
subject and its applicant) and of its materials are access-logged by the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from credit.applications import materials as material_files
from credit.applications import services as applications
from credit.audit.context import request_id
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.core.normalize import as_int
from credit.objections import forms, permissions, queries, services
from credit.objections.models import ObjectionState

PAGE = 50


def _actor(request) -> Actor:
    actor = Actor.for_user(request.user, request_id=request_id.get())
    if not permissions.can_use_queue(actor):
        raise PermissionDenied
    return actor


def _objection(actor: Actor, objection_id: int):
    try:
        return services.get_for(actor, objection_id)
    except ServiceError:
        raise Http404("异议不存在") from None


@login_required
@require_safe
def queue(request):
    actor = _actor(request)
    found = queries.filtered(actor, request.GET or None)
    # Refused filters give no rows rather than a list that ignores them.
    rows = found.qs if (not found.is_bound or found.is_valid()) else found.queryset.none()
    page = Paginator(rows, PAGE).get_page(as_int(request.GET.get("page")) or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "objections/queue.html",
        {
            "section": "objections",
            "title": "异议办理",
            "filter": found,
            "page": page,
            "query": query.urlencode(),
            "overdue_count": queries.overdue(actor).count(),
            "can_enter": permissions.can_accept(actor),
        },
    )


@login_required
@require_safe
def detail(request, objection_id: int):
    actor = _actor(request)
    objection = _objection(actor, objection_id)
    application = applications.read_application(
        actor, objection.application, f"查看异议申请（{objection.application.tracking_number}）"
    )
    state = objection.state
    return render(
        request,
        "objections/detail.html",
        {
            "section": "objections",
            "title": f"异议 {application.tracking_number}",
            "objection": objection,
            "application": application,
            "masked_id": applications.masked_id(application),
            "steps": application.steps.order_by("id"),
            "materials": application.materials.all(),
            "today": timezone.localdate(),
            "can_accept": permissions.can_accept(actor) and state == ObjectionState.RECEIVED,
            "can_self_check": permissions.can_accept(actor) and state == ObjectionState.SELF_CHECK,
            "can_verify": permissions.can_verify(actor, objection)
            and state == ObjectionState.VERIFYING,
            "note_form": forms.NoteForm(),
            "self_check_form": forms.SelfCheckForm(),
            "verify_form": forms.VerifyForm(),
        },
    )


@login_required
@require_safe
def material(request, objection_id: int, material_id: int):
    actor = _actor(request)
    objection = _objection(actor, objection_id)
    try:
        found, data = applications.read_material(actor, objection.application, material_id)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    response = HttpResponse(data, content_type=material_files.CONTENT_TYPES[found.file_type])
    response["Content-Disposition"] = f"attachment; filename=material-{found.pk}.{found.file_type}"
    response["Cache-Control"] = "no-store"
    return response


ACTIONS = ("accept", "reject", "self-check", "verify")


def _refused(request, objection, message: str):
    return render(
        request,
        "objections/refused.html",
        {"section": "objections", "title": "办理未完成", "message": message,
         "objection": objection},
        status=400,
    )  # fmt: skip


@login_required
@require_POST
def act(request, objection_id: int, action: str):
    actor = _actor(request)
    if action not in ACTIONS:
        raise Http404("未知的办理操作")
    objection = _objection(actor, objection_id)
    allowed = (
        permissions.can_verify(actor, objection)
        if action == "verify"
        else permissions.can_accept(actor)
    )
    if not allowed:
        raise PermissionDenied
    form_class = {"self-check": forms.SelfCheckForm, "verify": forms.VerifyForm}.get(
        action, forms.NoteForm
    )
    form = form_class(request.POST)
    if not form.is_valid():
        return _refused(request, objection, "；".join(
            f"{form.fields[name].label}：{error}" for name, errors in form.errors.items()
            for error in errors
        ))  # fmt: skip
    note = form.cleaned_data.get("note", "")
    try:
        if action == "accept":
            services.accept(actor, objection, note)
        elif action == "reject":
            services.reject(actor, objection, note)
        elif action == "self-check":
            services.self_check(actor, objection, form.cleaned_data["platform_error"], note)
        else:
            services.verify(actor, objection, form.cleaned_data["outcome"], note)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        return _refused(request, objection, exc.message)
    messages.success(request, "已办理")
    return redirect("objections_console:detail", objection_id=objection.pk)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def window(request):
    actor = _actor(request)
    if not permissions.can_accept(actor):
        raise PermissionDenied
    form = forms.WindowObjectionForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection, code = services.submit(
                    actor,
                    kind=data["fact_kind"],
                    fact_id=services.objectable_by_document(data["fact_kind"], data["doc_number"]),
                    party=form.party(),
                    reason=data["reason"],
                    uploads=request.FILES.getlist("materials"),
                    channel="window",
                )
            except ServiceError as exc:
                error = exc.message
            else:
                return render(
                    request,
                    "objections/window_done.html",
                    {"section": "objections", "title": "窗口录入完成",
                     "objection": objection, "query_code": code},
                )  # fmt: skip
    return render(
        request,
        "objections/window.html",
        {"section": "objections", "title": "窗口录入异议申请", "form": form, "error": error},
        status=status,
    )
