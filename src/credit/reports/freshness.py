"""Whether a stored public report still states the subject's facts, without reading them.

Reading a subject's facts and hashing them (`dossier.build`) is most of what a download of
an unchanged report costs (about 0.2 s for 200 records, against a few milliseconds for the
stored file). So the first download of a day that finds the facts unchanged records that day
on the report (`confirm`), and later downloads that day serve the stored file directly
(`confirmed_today`), unless:

- a fact event has named the subject since: the outbox subscriber (`forget`) clears the day
  and counts the change, so a check that read the facts before the change cannot record its
  day afterwards (it compares the count it started with);
- a fact event is still waiting for its subscribers: between a change's commit and the
  subscriber's run every download reads the facts, as before;
- the subject's name or code is no longer the one on the cover, or the platform's grade the
  report states (信用评价, while the credit office shows grades) is no longer the current one;
- the day has changed: publicity windows and repair dates move with the calendar, not with
  events.

A change of configuration that alters what a report states (catalog display fields, the
publicity rules) shows in new reports from the next day, or at the subject's next fact event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from credit.facts.models import FactEvent
from credit.reports import dossier
from credit.reports.models import CreditReport, ReportKind

_CHUNK = 5000


def confirmed_today(report: CreditReport, subject) -> bool:
    if report.confirmed_on != timezone.localdate():
        return False
    # The registry's own edits (a rename) are not fact events; the cover must still be right.
    if report.subject_name != subject.name or report.subject_code != (subject.uscc or ""):
        return False
    # Grades are recomputed, and shown or hidden by the credit office, without fact events.
    if report.grade_stamp != dossier.grade_stamp(subject):
        return False
    # The partial index `fact_event_pending` makes this a look at a (nearly) empty index.
    return not FactEvent.objects.filter(delivered_at__isnull=True).exists()


def confirm(report: CreditReport, changes_seen: int, day: dt.date) -> None:
    """Record that the facts read on `day` are the report's, unless an event counted since."""
    CreditReport.objects.filter(pk=report.pk, fact_changes=changes_seen).update(confirmed_on=day)


def forget(subject_ids: Iterable[int]) -> int:
    """The facts of these subjects changed: their current public reports must be checked
    again before they are handed out."""
    ids = sorted(set(subject_ids))
    touched = 0
    for start in range(0, len(ids), _CHUNK):
        touched += CreditReport.objects.filter(
            kind=ReportKind.PUBLIC,
            superseded_at__isnull=True,
            subject_id__in=ids[start : start + _CHUNK],
        ).update(confirmed_on=None, fact_changes=F("fact_changes") + 1)
    return touched
