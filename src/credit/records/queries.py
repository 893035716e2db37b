"""Reads of credit records shared with other apps.

Who may see a record is decided in one place, the records' rule of the credit-facts kernel
(`records.exposure.visible`, reached through `credit.facts`). `public_records` and
`shared_records` start from it; every public page and every public API (portal, public
read API, counts, lists, detail pages) starts from them, and never filters
`Record.objects` by visibility itself. The rule checks the window dates as well as the
stored state, so a record whose window ended before the daily job ran is already gone.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from credit import facts
from credit.audit import services as audit
from credit.catalog.models import DatasetVersion
from credit.core.actors import Actor
from credit.records import exposure
from credit.records.models import Record
from credit.records.publicity import LICENCE, PENALTY
from credit.records.signals import records_shared

SHARED_RESOURCE = "records.shared"  # the access log's name for a department's shared read


def public_records(today: dt.date | None = None) -> QuerySet[Record]:
    """Records the public may see today (or on `today`)."""
    return facts.readable(facts.RECORD, facts.Audience.PUBLIC, today)


def public_records_of_dataset(dataset_code: str, today: dt.date | None = None) -> QuerySet[Record]:
    """The same rows as `public_records().filter(dataset__code=dataset_code)`, shaped for
    the lists that page through a whole dataset newest first.

    With the dataset and its public versions as constants (one small query) the records
    table is read alone: ORDER BY decision_date DESC, id DESC LIMIT n then walks the index
    record_public_list and stops after n rows. Joined to the dataset (by code) and the
    version (by open_attr), every public record of the dataset was joined and sorted on
    each page view — the penalties list, with the most and the largest rows, answered at
    4.9 req/s under 32 connections.
    """
    versions = list(
        DatasetVersion.objects.filter(
            exposure.PUBLIC_VERSION, dataset__code=dataset_code
        ).values_list("dataset_id", "id")
    )
    if not versions:
        return Record.objects.none()
    return Record.objects.filter(
        exposure.public_state(today or timezone.localdate()),
        dataset_id=versions[0][0],
        dataset_version_id__in=[version_id for _dataset_id, version_id in versions],
    )


def public_records_of(
    subject, dataset_code: str | None = None, today: dt.date | None = None
) -> QuerySet[Record]:
    """A subject's public records, newest decision first."""
    qs = public_records(today).filter(subject=subject)
    if dataset_code:
        qs = qs.filter(dataset__code=dataset_code)
    return qs.select_related("dataset", "department").order_by("-decision_date", "-id")


def public_counts(today: dt.date | None = None) -> dict[str, int]:
    """{"licences": n, "penalties": n} of records public today."""
    return public_records(today).aggregate(
        licences=Count("id", filter=Q(dataset_version__publicity_rule=LICENCE)),
        penalties=Count("id", filter=Q(dataset_version__publicity_rule=PENALTY)),
    )


def latest_public(dataset_code: str, limit: int = 10, today: dt.date | None = None) -> list[Record]:
    """The most recent public decisions of a dataset (双公示 lists on the home page)."""
    return list(
        public_records_of_dataset(dataset_code, today)
        .select_related("subject", "department", "dataset")
        .order_by("-decision_date", "-id")[:limit]
    )


def shared_records(actor: Actor, subject, purpose: str = "政务共享") -> QuerySet[Record]:
    """A subject's records a government department may receive by sharing (共享属性).

    The kernel's sharing rule: not 不予共享 items nor records whose publication ended
    (withdrawn or window passed): domain.md §4 says such records stop being shared for
    reuse. Records not published to the public (a minor penalty, an item not 社会公开) are
    still shared. Every call writes an access-log entry, since sharing is a query of a
    subject.
    """
    audit.log_access(
        actor,
        resource=SHARED_RESOURCE,
        purpose=purpose,
        subject_id=subject.pk,
        subject_label=subject.name,
    )
    records_shared.send(sender="records", actor=actor, subject_id=subject.pk)
    return (
        facts.readable(facts.RECORD, facts.Audience.SHARING)
        .filter(subject=subject)
        .select_related("dataset", "dataset_version", "department")
        .order_by("-decision_date", "-id")
    )
