"""Console pages of 双随机 sampling: the list of draws, the draw form, a draw, its export."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from credit.audit.context import request_id
from credit.core.actors import Actor
from credit.core.errors import NotFound, ServiceError
from credit.core.paging import CappedPaginator
from credit.supervision import export, permissions, services
from credit.supervision.forms import RATIO_FIELDS, DrawFilter, DrawForm
from credit.supervision.sampling import new_seed

PAGE_SIZE = 50


def _actor(request) -> Actor:
    return Actor.for_user(request.user, request_id=request_id.get())


def _query(request, drop=("page",)) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in drop and v])


@login_required
@require_safe
def index(request):
    actor = _actor(request)
    if not permissions.can_read_draws(actor):
        raise PermissionDenied
    sees_all = permissions.sees_every_department(actor)
    filterset = DrawFilter(
        request.GET or None, queryset=services.draws_for(actor), sees_every_department=sees_all
    )
    valid = filterset.is_valid() if request.GET else True
    draws = filterset.qs if valid else services.draws_for(actor).none()
    page = CappedPaginator(draws, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/index.html",
        {
            "section": "supervision",
            "filter": filterset,
            "page": page,
            "sees_all": sees_all,
            "can_draw": permissions.can_draw(actor),
            "query": _query(request),
        },
        status=200 if valid else 400,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request):
    actor = _actor(request)
    if not permissions.can_draw(actor):
        raise PermissionDenied
    departments = services.departments_for(actor)
    if request.method != "POST":
        ratios = services.configured_ratios()
        initial = {"seed": new_seed(), "department": actor.department_id}
        initial.update({RATIO_FIELDS[s]: r for s, r in ratios.items()})
        return _form_page(request, DrawForm(initial=initial, departments=departments))
    form = DrawForm(request.POST, departments=departments)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        record = services.draw_sample(
            actor,
            department_id=form.cleaned_data["department"].pk,
            population_kind=form.cleaned_data["population"],
            ratios=form.ratios(),
            seed=form.cleaned_data["seed"],
            subjects=form.cleaned_data["subjects"],
        )
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return _form_page(request, form, status=exc.status or 400)
    return redirect("supervision:detail", draw_id=record.pk)


def _form_page(request, form, status: int = 200):
    return render(
        request,
        "supervision/new.html",
        {"section": "supervision", "form": form},
        status=status,
    )


def _draw(actor: Actor, draw_id: int, read):
    try:
        return read(actor, draw_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
@require_safe
def detail(request, draw_id: int):
    actor = _actor(request)
    if not permissions.can_read_draws(actor):
        raise PermissionDenied
    record = _draw(actor, draw_id, services.read_draw)
    return render(
        request,
        "supervision/detail.html",
        {
            "section": "supervision",
            "draw": record,
            "strata": export.stratum_rows(record),
            "drawn": record.drawn.order_by("position"),
        },
    )


@login_required
@require_safe
def export_xlsx(request, draw_id: int):
    actor = _actor(request)
    if not permissions.can_read_draws(actor):
        raise PermissionDenied
    name, data = _draw(actor, draw_id, services.export_draw)
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
