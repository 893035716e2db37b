"""Console pages of special-report applications (credit office; the auditor reads): the
queue with clocks and filters, an application's page (applicant, materials, steps), and
受理并出具 / 不予受理. Thin: `reports.applications` checks permission again and decides;
reads of the application and of its materials are access-logged by the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from credit.applications import materials as material_files
from credit.applications import services as applications
from credit.applications.models import ApplicationState
from credit.audit.context import request_id
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.core.normalize import as_int
from credit.reports import application_queries, permissions
from credit.reports import applications as report_applications
from credit.reports.forms import ApplicationNoteForm

PAGE = 50


def _actor(request) -> Actor:
    actor = Actor.for_user(request.user, request_id=request_id.get())
    if not permissions.can_read_report_register(actor):
        raise PermissionDenied
    return actor


def _request(actor: Actor, request_id_: int):
    try:
        return report_applications.get_for(actor, request_id_)
    except ServiceError:
        raise Http404("申请不存在") from None


@login_required
@require_safe
def queue(request):
    actor = _actor(request)
    found = application_queries.filtered(actor, request.GET or None)
    # Refused filters give no rows rather than a list that ignores them.
    rows = found.qs if (not found.is_bound or found.is_valid()) else found.queryset.none()
    page = Paginator(rows, PAGE).get_page(as_int(request.GET.get("page")) or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/applications_queue.html",
        {
            "section": "reports",
            "title": "专项信用报告申请",
            "filter": found,
            "page": page,
            "query": query.urlencode(),
            "overdue_count": application_queries.queue(actor).filter(overdue=True).count(),
        },
        status=200 if (not found.is_bound or found.is_valid()) else 400,
    )


@never_cache
@login_required
@require_safe
def detail(request, request_id: int):
    actor = _actor(request)
    found = _request(actor, request_id)
    application = found.application
    return render(
        request,
        "reports/application_detail.html",
        {
            "section": "reports",
            "title": f"专项信用报告申请 {application.tracking_number}",
            "item": found,
            "application": application,
            "about": report_applications.describe(found),
            "masked_id": applications.masked_id(application),
            "steps": application.steps.order_by("id"),
            "materials": application.materials.order_by("id"),
            "can_decide": permissions.can_issue_special_report(actor)
            and application.state == ApplicationState.RECEIVED,
            "form": ApplicationNoteForm(),
        },
    )


@never_cache
@login_required
@require_safe
def material(request, request_id: int, material_id: int):
    actor = _actor(request)
    found = _request(actor, request_id)
    try:
        item, data = applications.read_material(actor, found.application, material_id)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    response = HttpResponse(data, content_type=material_files.CONTENT_TYPES[item.file_type])
    response["Content-Disposition"] = f"attachment; filename=material-{item.pk}.{item.file_type}"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def decide(request, request_id: int, action: str):
    actor = _actor(request)
    if action not in ("accept", "reject") or not permissions.can_issue_special_report(actor):
        raise PermissionDenied
    found = _request(actor, request_id)
    form = ApplicationNoteForm(request.POST)
    if not form.is_valid():
        return _refused(request, found, "；".join(e for es in form.errors.values() for e in es))
    note = form.cleaned_data["note"]
    try:
        if action == "accept":
            found = report_applications.accept(actor, found, note)
            messages.success(request, f"已受理并出具专项信用报告，报告编号 {found.report.number}")
        else:
            report_applications.reject(actor, found, note)
            messages.success(request, "已作出不予受理决定，申请人可在办理进度查询页面看到理由")
    except ServiceError as exc:
        return _refused(request, found, exc.message)
    return redirect("reports_console:application", request_id=found.pk)


def _refused(request, found, message: str):
    return render(
        request,
        "reports/application_refused.html",
        {"section": "reports", "title": "办理未完成", "message": message, "item": found},
        status=400,
    )
