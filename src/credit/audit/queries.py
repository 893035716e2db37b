"""Reading the change and access logs, for auditors and credit office administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from credit.accounts import permissions
from credit.audit import labels
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
    if f.subject_name or f.uscc:
        qs = qs.filter(subject_id__in=subjects_matching(f.subject_name, f.uscc))
    if f.date_from or f.date_to:
        # `at` has a BRIN index only: it finds a date range's pages, sorted here. Walking
        # the primary key backwards instead would read every newer row first.
        return qs.order_by("-at", "-id")
    return qs.order_by("-id")  # newest first, in the order written


# Subjects a name filter may stand for: the log is then read by the subject_id index.
MAX_NAMED_SUBJECTS = 500


def subjects_matching(name: str, uscc: str) -> list[int]:
    """Ids of the subjects with this USCC and/or a normalised name containing `name`.

    Found in the subject registry (indexed: trigram on PostgreSQL), never by scanning the
    access log's labels, which grows by a row per subject on every credit check."""
    from credit.subjects.models import Subject
    from credit.subjects.search import clean_query

    subjects = Subject.objects.all()
    if uscc:
        subjects = subjects.filter(uscc=uscc.strip().upper())
    if name:
        query = clean_query(name)
        if not query:
            return []
        subjects = subjects.filter(name_norm__contains=query)
    return list(subjects.order_by().values_list("pk", flat=True)[:MAX_NAMED_SUBJECTS])


def change_actions() -> list[tuple[str, str]]:
    """(code, Chinese label) of every action the change log holds, for the filter."""
    codes = ChangeLog.objects.order_by("action").values_list("action", flat=True).distinct()
    return [(code, labels.action(code)) for code in codes]


def access_resources() -> list[tuple[str, str]]:
    """(code, Chinese label) of the resources reads are logged under, for the filter.

    From the label registry, not from the table: the access log gains a row on every
    credit check, and a DISTINCT over it would read the whole table on every page view."""
    return sorted(labels.RESOURCES.items(), key=lambda item: item[1])
