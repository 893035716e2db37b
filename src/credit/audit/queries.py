"""Reading the change and access logs, for auditors and credit office administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from credit.audit import labels, permissions
from credit.audit.models import AccessLog, ChangeLog
from credit.core.normalize import as_int


def can_browse(user) -> bool:
    """等保 separation: only auditors and the credit office read the audit trail."""
    return permissions.can_browse_audit(user)


@dataclass(frozen=True)
class LogFilter:
    date_from: date | None = None
    date_to: date | None = None
    actor: str = ""
    action: str = ""  # change log: the action; access log: the resource
    object_id: str = ""  # change log: object id; access log: subject id
    subject_name: str = ""  # access log: part of the subject's name
    uscc: str = ""  # access log: the subject's unified social credit code
    # The subjects that name and/or USCC stand for, found by the caller in the subject
    # registry (subjects.queries.ids_matching: indexed, never by scanning the log's labels);
    # None = no such filter. Audit sits below subjects in the layers, so it cannot look.
    subject_ids: tuple[int, ...] | None = None


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _by_date_and_actor(qs: QuerySet, f: LogFilter) -> QuerySet:
    if f.date_from:
        qs = qs.filter(at__gte=_local_start(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_local_start(f.date_to + timedelta(days=1)))
    if f.actor:
        qs = qs.filter(actor_label__icontains=f.actor)
    return qs


def changes(f: LogFilter) -> QuerySet[ChangeLog]:
    qs = _by_date_and_actor(ChangeLog.objects.all(), f)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    return qs.order_by("-at", "-id")


def accesses(f: LogFilter) -> QuerySet[AccessLog]:
    qs = _by_date_and_actor(AccessLog.objects.all(), f)
    if f.action:
        qs = qs.filter(resource=f.action)
    if f.object_id:
        subject_id = as_int(f.object_id)
        if subject_id is None:
            return qs.none()
        qs = qs.filter(subject_id=subject_id)
    if f.subject_ids is not None:
        qs = qs.filter(subject_id__in=f.subject_ids)
    if f.date_from or f.date_to:
        # `at` has a BRIN index only: it finds a date range's pages, sorted here. Walking
        # the primary key backwards instead would read every newer row first.
        return qs.order_by("-at", "-id")
    return qs.order_by("-id")  # newest first, in the order written


def change_actions() -> list[tuple[str, str]]:
    """(code, Chinese label) of every action the change log holds, for the filter."""
    codes = ChangeLog.objects.order_by("action").values_list("action", flat=True).distinct()
    return [(code, labels.action(code)) for code in codes]


def access_resources() -> list[tuple[str, str]]:
    """(code, Chinese label) of the resources reads are logged under, for the filter.

    From the label registry, not from the table: the access log gains a row on every
    credit check, and a DISTINCT over it would read the whole table on every page view."""
    return sorted(labels.RESOURCES.items(), key=lambda item: item[1])
