"""Who may see a list entry: the lists' part of the credit-facts kernel (registered in
apps.py as the fact kind `facts.LIST_ENTRY`).

`in_force` is the one definition of "current": decided or published, period started and
not ended. An entry leaves every view on the day after its period ends, whether or not
the expiry job has marked it removed yet; a removed, only notified or not-listed entry is
never in force.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from credit.facts import Audience
from credit.lists.models import IN_FORCE_STATES, EntryState


def in_force(day: dt.date) -> Q:
    """The condition an entry meets while it is current on `day`."""
    return Q(state__in=IN_FORCE_STATES, period_start__lte=day) & (
        Q(period_end__isnull=True) | Q(period_end__gte=day)
    )


def is_in_force(entry, day: dt.date) -> bool:
    """`in_force` for an entry already loaded."""
    return (
        entry.state in IN_FORCE_STATES
        and entry.period_start is not None
        and entry.period_start <= day
        and (entry.period_end is None or entry.period_end >= day)
    )


def visible(audience: Audience, day: dt.date, *, department=None, subject=None) -> Q:
    """May `audience` see a list entry on `day` (docs/architecture.md, credit-facts kernel)."""
    if audience == Audience.PUBLIC:
        # A decided entry is in force (checks and sharing see it) before it is published.
        return in_force(day) & Q(state=EntryState.PUBLISHED, published_on__lte=day)
    if audience in (Audience.SHARING, Audience.CHECK):
        return in_force(day)
    if audience == Audience.PROVIDER:
        return Q(department_id=department)
    if audience == Audience.SUBJECT:
        # The subject was told of every step, removal included; 不予列入 is no fact of its
        # credit.
        return Q(subject_id=subject) & ~Q(state=EntryState.WITHDRAWN)
    if audience == Audience.OFFICE:
        return Q()
    raise ValueError(f"unknown audience {audience!r}")


def expired(day: dt.date) -> Q:
    """Entries still in an in-force state whose period ended before `day`: no longer in
    force, waiting for the expiry job to mark them removed."""
    return Q(state__in=IN_FORCE_STATES, period_end__lt=day)


def is_expired(entry, day: dt.date) -> bool:
    """`expired` for an entry already loaded."""
    return (
        entry.state in IN_FORCE_STATES and entry.period_end is not None and entry.period_end < day
    )
