"""Reads of notices shared with other apps: a recipient's stream, a check's changes."""

from __future__ import annotations

from django.db.models import Q

from credit.audit import services as audit
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied
from credit.notices import permissions, services
from credit.notices.models import Notice, Recipient

PAGE_MAX = 500
ACCESS_RESOURCE = "notices.pull"


def page_after(actor: Actor, after: int, limit: int = 100) -> tuple[list[Notice], bool]:
    """The caller's notices after cursor `after`, in order (at most `limit`), and whether
    more follow. Each subject named is written to the access log."""
    if not permissions.can_read_notices(actor):
        raise PermissionDenied("无权接收撤回通知")
    recipient = services.recipient_for_reader(actor)
    limit = max(1, min(limit, PAGE_MAX))
    rows = list(
        Notice.objects.filter(recipient=recipient, seq__gt=max(after, 0)).order_by("seq")[
            : limit + 1
        ]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        seen = {n.subject_id: n.subject_name for n in rows}
        audit.log_access_many(
            actor, list(seen.items()), resource=ACCESS_RESOURCE, purpose="接收撤回通知"
        )
    return rows, more


def changes_for_check(check) -> dict[tuple[str, str, str], list[str]]:
    """What changed since `check` of the records and list entries its answer showed:
    {(subject public id, dataset or list code, document number): [change, ...]}, read
    from the notices its system or department was sent."""
    if check.client_id:
        holder = Q(client_id=check.client_id)
    elif check.department_id:
        holder = Q(department_id=check.department_id)
    else:
        return {}
    recipient = Recipient.objects.filter(holder).values_list("pk", flat=True).first()
    if recipient is None:
        return {}
    subjects = {
        item["subject"]["public_id"]
        for item in (check.answer or {}).get("items", [])
        if item.get("status") == "matched"
        and (item.get("records") or item.get("black_entries") or item.get("red_entries"))
    }
    if not subjects:
        return {}
    out: dict[tuple[str, str, str], list[str]] = {}
    rows = (
        Notice.objects.filter(
            recipient_id=recipient,
            subject_public_id__in=subjects,
            changed_at__gte=check.created_at,
        )
        .order_by("seq")
        .values_list("subject_public_id", "dataset", "document_number", "change", "check_ids")
    )
    for public_id, dataset, number, change, check_ids in rows:
        if check.pk in (check_ids or []):
            out.setdefault((public_id, dataset, number), []).append(change)
    return out
