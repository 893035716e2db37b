"""Reads of list entries shared with the portal, the credit checks and the console.

Who may see an entry is the lists' rule of the credit-facts kernel (`lists.exposure`,
reached through `credit.facts`); "in force" is defined there once. Every view goes through
it, so an expired entry leaves all of them on the day after its period ends, whether or
not the expiry job has run yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from credit import facts
from credit.core.normalize import doc_key
from credit.lists import exposure
from credit.lists.models import ListEntry, ListType, Source


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def in_force(today: dt.date | None = None) -> Q:
    """The condition an entry meets while it is current on `today`."""
    return exposure.in_force(_today(today))


def public_condition(today: dt.date | None = None) -> Q:
    """The condition an entry meets while the public may see it on `today`."""
    return facts.visible(facts.LIST_ENTRY, facts.Audience.PUBLIC, today)


def current_entries(
    subject_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, list[ListEntry]]:
    """Entries a credit check sees (those in force) per subject id (subjects without any
    are absent), list type loaded."""
    ids = list(dict.fromkeys(subject_ids))
    found: dict[int, list[ListEntry]] = {}
    if not ids:
        return found
    condition = facts.visible(facts.LIST_ENTRY, facts.Audience.CHECK, today)
    # Chunked so a 10,000-subject check stays under SQLite's parameter limit.
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        entries = (
            ListEntry.objects.filter(condition, subject_id__in=chunk)
            .select_related("list_type")
            .order_by("subject_id", "list_type__position", "-decision_date", "id")
        )
        for entry in entries:
            found.setdefault(entry.subject_id, []).append(entry)
    return found


def public_entries_of(subject, today: dt.date | None = None) -> list[ListEntry]:
    """Published, current entries of one subject, as the portal profile shows them."""
    subject_id = getattr(subject, "pk", subject)
    return list(
        facts.readable(facts.LIST_ENTRY, facts.Audience.PUBLIC, today)
        .filter(subject_id=subject_id)
        .select_related("list_type", "department")
        .order_by("list_type__color", "list_type__position", "-decision_date")
    )


def public_entries(list_type: ListType, today: dt.date | None = None) -> QuerySet[ListEntry]:
    """Published, current entries of one list, newest decision first."""
    return (
        facts.readable(facts.LIST_ENTRY, facts.Audience.PUBLIC, today)
        .filter(list_type=list_type)
        .select_related("subject", "department")
        .order_by("-decision_date", "-id")
    )


def active_list_types() -> list[ListType]:
    return list(ListType.objects.filter(active=True).select_related("department"))


def get_list_type(code: str) -> ListType | None:
    return ListType.objects.filter(code=code).select_related("department").first()


def is_current(entry: ListEntry, today: dt.date | None = None) -> bool:
    return exposure.is_in_force(entry, _today(today))


def entries_of_department(department_id: int | None, all_departments: bool = False):
    """Entries a department works on in the console (the credit office sees all)."""
    entries = ListEntry.objects.select_related("list_type", "subject", "department")
    if not all_departments:
        entries = entries.filter(department_id=department_id)
    return entries.order_by("-updated_at", "-id")


def decision_entered(list_type_id: int, decision_number: str) -> bool:
    """Whether the list already holds this decision (entering it again changes nothing)."""
    key = doc_key(decision_number)
    return ListEntry.objects.filter(list_type_id=list_type_id, decision_key=key).exists()


def procedure_decisions() -> set[tuple[int, str]]:
    """(list type id, decision key) of every decision made through the platform's procedure.

    Such a decision was dated on the platform the day it was made (告知 → 决定 in the
    console), so it reached the platform in time whatever day a department later sends
    its record.
    """
    return set(
        ListEntry.objects.filter(source=Source.CONSOLE, notice_date__isnull=False)
        .exclude(decision_key="")
        .values_list("list_type_id", "decision_key")
    )
