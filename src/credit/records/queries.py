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
from credit.catalog import attributes
from credit.catalog import queries as catalog
from credit.catalog.models import DatasetVersion
from credit.core.actors import Actor
from credit.records import exposure
from credit.records.models import Record
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


LEGACY_COUNT_KEYS = ("licences", "penalties")


def _grouped(counted) -> dict:
    """Counts of (dataset code, section, legacy key, n), already in section order, as
    {"datasets": {code: n}, "sections": {section: n}, "legacy": {key: n}}."""
    datasets: dict[str, int] = {}
    sections: dict[str, int] = {}
    legacy = dict.fromkeys(LEGACY_COUNT_KEYS, 0)
    for code, section, count_key, n in counted:
        if not n:
            continue
        datasets[code] = datasets.get(code, 0) + n
        sections[section] = sections.get(section, 0) + n
        if count_key in legacy:
            legacy[count_key] += n
    return {"datasets": datasets, "sections": sections, "legacy": legacy}


def group_counts(by_subject: dict[int, dict[str, int]]) -> dict[int, dict]:
    """{subject id: {dataset code: n}} (search results' record counts) grouped by the
    datasets' current catalog attributes, as `_grouped` shapes them; keys that are not a
    dataset's code (a count of list entries) are left out. Registered with
    `subjects.search` at start-up, since subjects may not read the catalog."""
    groups = catalog.count_groups()
    return {
        subject_id: _grouped(
            (code, section, count_key, by_code.get(code, 0))
            for code, (section, count_key) in groups.items()
        )
        for subject_id, by_code in by_subject.items()
    }


def public_counts_by_dataset(today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Records public today (or on `today`) counted per dataset code ("datasets"), per
    profile section ("sections", in the profile's order) and under the legacy keys the home
    page and older clients read ("legacy": licences, penalties): what a dataset counts as
    comes from the catalog attributes of each record's version, so a new dataset is counted
    with no code. One grouped scan of the public records and one read of the versions met."""
    per_version = dict(
        public_records(today).values_list("dataset_version_id").annotate(n=Count("id")).order_by()
    )
    versions = DatasetVersion.objects.filter(pk__in=per_version).values_list(
        "pk", "dataset__code", "definition"
    )
    met = [(attributes.attributes_of(d or {}), code, per_version[pk]) for pk, code, d in versions]
    met.sort(key=lambda m: attributes.section_order(m[0].section))
    return _grouped((code, m.section, m.count_key, n) for m, code, n in met)


def public_counts(today: dt.date | None = None) -> dict[str, int]:
    """{"licences": n, "penalties": n} of records public today (the home page's figures)."""
    return public_counts_by_dataset(today)["legacy"]


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


# --- a department's own records (本单位记录: console page and API) ---------------------------

DEPARTMENT_RESOURCE = "records.department"  # the access log's name for these reads
# The states a department filters its records by, on today: the window facet, with
# withdrawal winning over it (exposure.stored_state).
DEPARTMENT_STATES = [
    ("public", "公示中"),
    ("pending", "未到公示期"),
    ("ended", "公示期满"),
    ("not_published", "未公示"),
    ("withdrawn", "已撤回"),
    ("repaired", "已信用修复"),
]
_STATE_LABELS = dict(DEPARTMENT_STATES)


def department_state(state: str, day: dt.date) -> Q:
    """Records in `state` (a DEPARTMENT_STATES code) on `day`."""
    if state == "withdrawn":
        return exposure.is_withdrawn()
    if state == "repaired":
        return ~exposure.is_withdrawn() & exposure.is_repaired()
    return ~exposure.window_frozen() & exposure.window_is(state, day)


def state_of(record: Record, day: dt.date | None = None) -> tuple[str, str]:
    """(code, label) of a record's state on `day`, as the filter above puts it."""
    code = exposure.stored_state(
        record.public_from,
        record.public_until,
        record.withdrawn_at is not None,
        day or timezone.localdate(),
        record.repaired_at is not None,
    )
    return code, _STATE_LABELS[code]


def department_records(actor: Actor) -> QuerySet[Record]:
    """The records `actor` may list as its department's: its department's (the kernel's
    providing-department audience), or every department's for the credit office and
    auditors (`permissions.sees_every_department`). Newest decision first."""
    from credit.accounts import permissions

    if permissions.sees_every_department(actor):
        records = Record.objects.all()
    elif actor.department_id is None:
        records = Record.objects.none()
    else:
        records = facts.readable(facts.RECORD, facts.Audience.PROVIDER, actor=actor)
    return records.select_related("dataset", "department", "subject").order_by(
        "-decision_date", "-id"
    )


def log_department_read(actor: Actor, records, purpose: str) -> int:
    """Access-log the subjects of the records read that the public may not see today
    (pending, ended, unpublished, withdrawn, or of a dataset that is not public): one row
    per subject. Public records are what anybody may read and are not logged."""
    records = list(records)
    if not records:
        return 0
    public = set(
        public_records().filter(pk__in=[r.pk for r in records]).values_list("pk", flat=True)
    )
    subjects = {}
    for r in records:
        if r.pk not in public and r.subject_id is not None:
            subjects[r.subject_id] = r.subject.name
    return audit.log_access_many(actor, sorted(subjects.items()), DEPARTMENT_RESOURCE, purpose)


def department_record(actor: Actor, record_id) -> Record:
    """One record of `actor`'s department list; another department's record does not exist
    for it (NotFound, never a hint that it exists)."""
    from credit.accounts import permissions
    from credit.core.errors import NotFound

    # A number no row can have (SQLite overflows on ids past 64 bits) is simply not found.
    if not isinstance(record_id, int) or not 0 < record_id < 2**63:
        raise NotFound("信用记录不存在")
    record = (
        Record.objects.select_related("dataset", "department", "subject", "dataset_version")
        .filter(pk=record_id)
        .first()
    )
    if record is None or not permissions.can_read_department_record(actor, record):
        raise NotFound("信用记录不存在")
    return record


def versions_of(record: Record) -> list:
    """The record's superseded versions, newest first (RecordHistory)."""
    return list(
        record.history.select_related("batch", "superseded_by_batch").order_by("-version_no")
    )


def visibility_history(record: Record) -> list:
    """The record's publication history, newest first."""
    return list(record.visibility_changes.all())


def version_changes(record: Record) -> list[tuple]:
    """Each superseded version with what the next version changed: (history row, [(field
    label, old, new)]), newest first. ID numbers are compared decrypted and shown masked."""
    from credit.catalog.models import Field
    from credit.records.upsert import data_diff

    versions = versions_of(record)
    if not versions:
        return []
    version_ids = {record.dataset_version_id, *(h.dataset_version_id for h in versions)}
    fields = Field.objects.filter(version_id__in=version_ids)
    labels = {f.code: f.label for f in fields}
    secret = {f.code for f in fields if f.masking == "id_number"}
    newer = record.data or {}
    out = []
    for h in versions:  # newest first: each is replaced by the one before it in the list
        before, after = data_diff(h.data or {}, newer, secret)
        out.append((h, [(labels.get(code, code), before[code], after[code]) for code in before]))
        newer = h.data or {}
    return out
