"""Download of the 信用修复告知书 of a penalty or list entry by its deciding department
(and the credit office). Parse, call, answer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from credit.audit.context import request_id
from credit.audit.services import log_access
from credit.core.actors import Actor
from credit.lists.models import ListEntry
from credit.records.models import Record
from credit.repairs import permissions as repair_rules
from credit.reports import repair_notice

RESOURCE = "repairs.notice"


def _answer(request, fact, filename: str) -> HttpResponse:
    actor = Actor.for_user(request.user, request_id=request_id.get())
    if not repair_rules.can_download_notice(actor, fact):
        raise PermissionDenied
    log_access(actor, RESOURCE, "下载信用修复告知书", fact.subject_id, fact.subject.name)
    response = HttpResponse(repair_notice.pdf(fact), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def record_notice(request, record_id: int):
    record = (
        Record.objects.select_related("dataset", "dataset_version", "subject", "department")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise Http404("信用记录不存在")
    return _answer(request, record, f"repair-notice-record-{record.pk}.pdf")


@login_required
@require_safe
def entry_notice(request, entry_id: int):
    entry = (
        ListEntry.objects.select_related("list_type", "subject", "department")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404("名单条目不存在")
    return _answer(request, entry, f"repair-notice-entry-{entry.pk}.pdf")
