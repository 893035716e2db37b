"""Console pages of the review queue: the queue, the comparison, the merge history.

Read by the credit office and auditors; written by the credit office only (services check
again). A merged subject's page redirects to its survivor's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from credit.accounts import permissions
from credit.audit.context import request_id
from credit.audit.services import log_access_many
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.core.normalize import as_int, has_control_chars
from credit.review import forms, queries, services
from credit.subjects.models import Subject, SubjectMerge, SubjectNameSeen

QUEUE_PAGE = 50
HISTORY_PAGE = 50
RESOURCE = "subjects.review"


def _reader(request) -> Actor:
    actor = Actor.for_user(request.user, request_id=request_id.get())
    if not permissions.can_read_subject_review(actor):
        raise PermissionDenied
    return actor


def _writer(request) -> Actor:
    actor = Actor.for_user(request.user, request_id=request_id.get())
    if not permissions.can_review_subjects(actor):
        raise PermissionDenied
    return actor


def _subject(public_id: str) -> Subject:
    # PostgreSQL refuses NUL in a text parameter: such an id names nothing.
    if has_control_chars(public_id):
        raise Http404("未找到该信用主体")
    subject = Subject.objects.filter(public_id=public_id[:22]).first()
    if subject is None:
        raise Http404("未找到该信用主体")
    return subject


def _final(subject: Subject) -> Subject:
    """The subject a merged one now lives in (merges may chain); bounded against cycles."""
    for _ in range(20):
        if subject.merged_into_id is None:
            return subject
        subject = Subject.objects.get(pk=subject.merged_into_id)
    return subject


@login_required
@require_safe
def queue(request):
    actor = _reader(request)
    found = queries.review_queue()
    page = Paginator(found.groups, QUEUE_PAGE).get_page(as_int(request.GET.get("page")) or 1)
    return render(
        request,
        "review/queue.html",
        {
            "section": "review",
            "title": "主体核对",
            "queue": found,
            "page": page,
            "can_write": permissions.can_review_subjects(actor),
        },
    )


def _compared(request, subject: Subject) -> list[Subject]:
    subjects = queries.group_of(subject)
    seen = {s.pk for s in subjects}
    # The office may add any other subject by public id (`with`), e.g. a namesake whose
    # 负责人 was recorded differently.
    for public_id in request.GET.getlist("with")[: queries.MAX_COMPARED]:
        if has_control_chars(public_id):
            continue
        other = Subject.objects.filter(public_id=public_id[:22], merged_into__isnull=True).first()
        if other is not None and other.pk not in seen and len(subjects) < queries.MAX_COMPARED:
            subjects.append(other)
            seen.add(other.pk)
    return subjects


def _render_compare(
    request, actor: Actor, subject: Subject, form=None, status: int = 200, errors=()
):
    subjects = _compared(request, subject)
    candidates = queries.compare(subjects)
    log_access_many(
        actor,
        [(s.pk, s.name) for s in subjects],
        RESOURCE,
        f"主体核对：比对{subject.name}（{subject.public_id}）的候选主体",
    )
    form = form or forms.DecideForm(subjects=subjects, initial={"survivor": subject.public_id})
    return render(
        request,
        "review/compare.html",
        {
            "section": "review",
            "title": f"主体核对：{subject.name}",
            "subject": subject,
            "candidates": candidates,
            "form": form,
            "with_query": request.GET.urlencode(),
            "can_write": permissions.can_review_subjects(actor),
            "errors": list(errors),
            # Something to decide: candidates to merge or tell apart, or a lone flag.
            "decidable": len(candidates) > 1 or subject.needs_review,
        },
        status=status,
    )


@login_required
@require_safe
def compare(request, public_id: str):
    actor = _reader(request)
    subject = _subject(public_id)
    if subject.merged_into_id is not None:
        final = _final(subject)
        messages.info(request, f"「{subject.name}」已合并至「{final.name}」")
        return redirect("review:subject", public_id=final.public_id)
    return _render_compare(request, actor, subject)


@login_required
@require_POST
def decide(request, public_id: str):
    actor = _writer(request)
    subject = _subject(public_id)
    if subject.merged_into_id is not None:
        messages.error(request, f"「{subject.name}」已被合并，请在保留主体的页面操作")
        return redirect("review:subject", public_id=_final(subject).public_id)
    subjects = _compared(request, subject)
    form = forms.DecideForm(request.POST, subjects=subjects)
    if not form.is_valid():
        return _render_compare(request, actor, subject, form, status=400)
    data = form.cleaned_data
    by_public_id = {s.public_id: s for s in subjects}
    try:
        # Several merges (or confirmations) from one form: all of them or none.
        with transaction.atomic():
            if data["action"] == forms.MERGE:
                survivor = by_public_id[data["survivor"]]
                for public_id_ in data["merged"]:
                    services.merge_subjects(
                        actor, survivor, by_public_id[public_id_], data["reason"]
                    )
                done = f"已将 {len(data['merged'])} 个主体合并至「{survivor.name}」，可在合并记录中撤销"
                target = survivor
            else:
                for public_id_ in data["selected"]:
                    chosen = by_public_id[public_id_]
                    others = [s for s in subjects if s.pk != chosen.pk]
                    services.confirm_distinct(actor, chosen, others, data["reason"])
                done = f"已确认 {len(data['selected'])} 个主体为不同主体"
                target = subject
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return _render_compare(request, actor, subject, form, status=400)
    messages.success(request, done)
    url = reverse("review:subject", kwargs={"public_id": target.public_id})
    return redirect(url)


@login_required
@require_POST
def decide_name(request, seen_id: int):
    actor = _writer(request)
    seen = SubjectNameSeen.objects.select_related("subject").filter(pk=seen_id).first()
    if seen is None:
        raise Http404("未找到该名称记录")
    form = forms.NameForm(request.POST)
    if not form.is_valid():
        errors = [
            f"{form.fields[field].label}：{message}"
            for field, messages_ in form.errors.items()
            for message in messages_
        ]
        return _render_compare(request, actor, _final(seen.subject), status=400, errors=errors)
    adopt = form.cleaned_data["decision"] == "adopt"
    try:
        subject = services.resolve_name(actor, seen, adopt, form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("review:subject", public_id=_final(seen.subject).public_id)
    messages.success(
        request,
        f"已采用名称「{subject.name}」，原名称记入曾用名"
        if adopt
        else f"已保留登记名称「{subject.name}」",
    )
    return redirect("review:subject", public_id=subject.public_id)


@login_required
@require_safe
def history(request):
    actor = _reader(request)
    page = Paginator(queries.merge_history(), HISTORY_PAGE).get_page(
        as_int(request.GET.get("page")) or 1
    )
    return render(
        request,
        "review/history.html",
        {
            "section": "review",
            "title": "合并记录",
            "page": page,
            "can_write": permissions.can_review_subjects(actor),
            "undo_form": forms.UndoForm(),
        },
    )


@login_required
@require_POST
def undo(request, merge_id: int):
    actor = _writer(request)
    merge = SubjectMerge.objects.select_related("merged", "survivor").filter(pk=merge_id).first()
    if merge is None:
        raise Http404("未找到该合并记录")
    form = forms.UndoForm(request.POST)
    if not form.is_valid():
        page = Paginator(queries.merge_history(), HISTORY_PAGE).get_page(1)
        return render(
            request,
            "review/history.html",
            {
                "section": "review",
                "title": "合并记录",
                "page": page,
                "can_write": True,
                "undo_form": forms.UndoForm(),
                "failed": merge.pk,
                "failed_form": form,
            },
            status=400,
        )
    try:
        services.undo_merge(actor, merge, form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("review:history")
    messages.success(
        request, f"已撤销合并：「{merge.merged.name}」恢复为独立主体，其记录与名单条目已移回"
    )
    return redirect("review:subject", public_id=merge.merged.public_id)
