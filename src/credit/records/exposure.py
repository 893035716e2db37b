"""Who may see a credit record, and the record's window state: the records' part of the
credit-facts kernel (registered in apps.py as the fact kind `facts.RECORD`).

A record's exposure has two facets besides its dataset's catalog attributes:

- the window (`window_is`): not published / pending / public / ended, from its dates. The
  stored `visibility` column is the same state as of the last daily job, kept so that
  pages filter with an index; readers check the dates too, so a record whose window ended
  before the job ran is already hidden.
- revocation (`is_withdrawn`): withdrawn records are hidden from everyone but their
  provider and stay in the archive.

`state_on` and `window_is` are the one definition of the window state, in Python (for
writers computing the stored column) and as a query condition (for readers and the daily
job); tests/facts compare them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from credit.catalog.models import OpenAttr, ShareAttr
from credit.facts import Audience
from credit.records.models import Visibility

SHAREABLE = (ShareAttr.UNCONDITIONAL, ShareAttr.CONDITIONAL)


def state_on(public_from, public_until, today: dt.date) -> str:
    """The window state of dates on `today`. `public_until` is the inclusive last public
    day; no start means never published, a start without an end means no end."""
    if public_from is None:
        return Visibility.NOT_PUBLISHED
    if today < public_from:
        return Visibility.PENDING
    if public_until is not None and today > public_until:
        return Visibility.ENDED
    return Visibility.PUBLIC


def stored_state(
    public_from, public_until, withdrawn: bool, today: dt.date, repaired: bool = False
) -> str:
    """The value of the stored `visibility` column: withdrawal, then repair, win over the
    window."""
    if withdrawn:
        return Visibility.WITHDRAWN
    if repaired:
        return Visibility.REPAIRED
    return state_on(public_from, public_until, today)


def window_is(state: str, day: dt.date) -> Q:
    """Records whose dates put them in window `state` on `day`, as `state_on` decides.

    An end is never set without a start (publicity.compute_window), so an end before the
    day means ended."""
    if state == Visibility.NOT_PUBLISHED:
        return Q(public_from__isnull=True)
    if state == Visibility.PENDING:
        return Q(public_from__gt=day)
    if state == Visibility.ENDED:
        return Q(public_until__lt=day)
    if state == Visibility.PUBLIC:
        return Q(public_from__lte=day) & (Q(public_until__isnull=True) | Q(public_until__gte=day))
    raise ValueError(f"not a window state: {state!r}")


def is_withdrawn() -> Q:
    return Q(withdrawn_at__isnull=False)


def is_repaired() -> Q:
    """Records whose publication and sharing a credit repair stopped (信用修复)."""
    return Q(repaired_at__isnull=False)


def window_frozen() -> Q:
    """Records whose stored state no window computation may change: withdrawn or repaired."""
    return is_withdrawn() | is_repaired()


def public_state(day: dt.date) -> Q:
    """The public audience's rule without its catalog part (the dataset version is open to
    the public: `PUBLIC_VERSION`), for readers that resolve the versions first."""
    return Q(
        visibility=Visibility.PUBLIC, withdrawn_at__isnull=True, repaired_at__isnull=True
    ) & window_is(Visibility.PUBLIC, day)


# Lookups on DatasetVersion: the catalog attributes each audience needs.
PUBLIC_VERSION = Q(open_attr=OpenAttr.PUBLIC)
SHARED_VERSION = Q(share_attr__in=SHAREABLE)


def _through_version(condition: Q) -> Q:
    return Q(
        *[(f"dataset_version__{key}", value) for key, value in condition.children],
        _connector=condition.connector,
    )


def visible(audience: Audience, day: dt.date, *, department=None, subject=None) -> Q:
    """May `audience` see a record on `day` (docs/architecture.md, credit-facts kernel)."""
    if audience == Audience.PUBLIC:
        return public_state(day) & _through_version(PUBLIC_VERSION)
    if audience in (Audience.SHARING, Audience.CHECK):
        # Not-yet-public and never-published records are shared; a withdrawn record or one
        # whose publication ended (by the stored state or already by its dates) is not
        # (domain.md §4: it stops being shared for reuse); nor is a repaired one (§5).
        return (
            Q(withdrawn_at__isnull=True, repaired_at__isnull=True)
            & _through_version(SHARED_VERSION)
            & ~Q(visibility__in=[Visibility.WITHDRAWN, Visibility.ENDED, Visibility.REPAIRED])
            & ~window_is(Visibility.ENDED, day)
        )
    if audience == Audience.PROVIDER:
        return Q(department_id=department)
    if audience == Audience.SUBJECT:
        return Q(subject_id=subject, withdrawn_at__isnull=True) & ~Q(
            visibility=Visibility.WITHDRAWN
        )
    if audience == Audience.OFFICE:
        return Q()
    raise ValueError(f"unknown audience {audience!r}")


def window_from_row() -> Q:
    """Records whose stored window an import recomputes from the imported row alone.
    Withdrawal wins over any window, and a minor penalty marked for publication has a
    window the row does not tell (publicity.compute_window reads the flag). A repaired
    record stays repaired: re-importing its decision must not publish it again."""
    return Q(withdrawn_at__isnull=True, repaired_at__isnull=True, publish_minor=False)
