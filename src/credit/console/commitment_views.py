"""承诺核查: the commitment queue with its verification clock (overdue first), one
commitment with the 履约/失信 form, and the form registering a commitment. Parse, call,
render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from credit.accounts.models import Department
from credit.audit.context import request_id
from credit.commitments import permissions, queries, services
from credit.commitments.filters import CommitmentFilter
from credit.commitments.models import CommitmentKind
from credit.console.commitment_forms import CreateForm, VerifyForm
from credit.core.actors import Actor
from credit.core.errors import NotFound, ServiceError
from credit.core.paging import CappedPaginator
from credit.records.models import Severity

PAGE_SIZE = 50
READ_PURPOSE = "承诺核查查阅"


def _actor(request) -> Actor:
    actor = Actor.for_user(request.user, request_id=request_id.get())
    if not permissions.can_list_commitments(actor):
        raise PermissionDenied
    return actor


@login_required
@require_safe
def queue(request):
    actor = _actor(request)
    sees_all = permissions.sees_every_department(actor)
    filterset = CommitmentFilter(
        request.GET or None, queryset=queries.of_actor(actor), sees_every_department=sees_all
    )
    valid = filterset.is_valid() if request.GET else True
    found = filterset.qs if valid else queries.of_actor(actor).none()
    page = CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    queries.log_read(actor, rows, READ_PURPOSE)
    today = timezone.localdate()
    return render(
        request,
        "console/commitments/list.html",
        {
            "section": "commitments",
            "filter": filterset,
            "page": page,
            "rows": [(c, queries.due_state(c, today)) for c in rows],
            "due_labels": queries.DUE_LABELS,
            "overdue": queries.overdue(actor, today).count(),
            "sees_all": sees_all,
            "can_create": actor.department_id is not None
            and permissions.can_record_commitment(actor, actor.department_id),
            "query": urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, commitment_id: int):
    actor = _actor(request)
    try:
        commitment = queries.one(actor, commitment_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    may_verify = permissions.can_verify_commitment(actor, commitment)
    form = VerifyForm(request.POST or None)
    if request.method == "POST":
        if not may_verify:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["result"] == "kept":
                    services.mark_kept(commitment, actor=actor, note=data["note"])
                    messages.success(request, "已登记核查结果：履约")
                else:
                    services.mark_broken(
                        commitment,
                        facts=data["facts"],
                        decision=data["decision"],
                        actor=actor,
                        severity=Severity(data["severity"]),
                    )
                    messages.success(request, "已登记核查结果：失信，并生成违背信用承诺记录")
                return redirect("commitments_console:detail", commitment_id=commitment.pk)
            except ServiceError as exc:
                form.add_error(None, exc.message)
    queries.log_read(actor, [commitment], READ_PURPOSE)
    return render(
        request,
        "console/commitments/detail.html",
        {
            "section": "commitments",
            "c": commitment,
            "due_state": queries.due_state(commitment, timezone.localdate()),
            "due_labels": queries.DUE_LABELS,
            "form": form,
            "may_verify": may_verify and commitment.state != "broken",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    actor = _actor(request)
    if actor.department_id is None or not permissions.can_record_commitment(
        actor, actor.department_id
    ):
        raise PermissionDenied
    form = CreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = data["subject_kind"] == "自然人"
        try:
            commitment = services.record_commitment(
                actor,
                department=Department.objects.get(pk=actor.department_id),
                subject=(
                    data["subject_name"],
                    data["subject_kind"],
                    data["subject_uscc"],
                    data["legal_rep"],
                    "身份证" if person and data["id_number"] else "",
                    data["id_number"] if person else "",
                ),
                kind=CommitmentKind(data["kind"]),
                made_on=data["made_on"],
                reason=data["reason"],
                text=data["text"],
                matter=data["matter"],
                due_on=data["due_on"],
                public=data["public"],
            )
        except ServiceError as exc:
            for problem in getattr(exc, "problems", None) or [("", exc.message)]:
                form.add_error(None, problem[1])
        else:
            messages.success(request, f"已登记信用承诺 {commitment.code}")
            return redirect("commitments_console:detail", commitment_id=commitment.pk)
    return render(
        request,
        "console/commitments/create.html",
        {"section": "commitments", "form": form},
        status=400 if request.method == "POST" else 200,
    )
