"""What the public may read of a subject or a record, masked (domain.md §2, §7).

Only catalog fields marked public are shown; identifier fields are dropped whatever the
catalog says; persons keep the surname only; any ID-number-looking text in free fields
is masked. Every public page and the public API shape their answers here, so there is one
place to get masking right.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from credit import facts
from credit.catalog import attributes
from credit.catalog import queries as catalog
from credit.catalog.models import DatasetVersion
from credit.core.fieldcrypto import FieldCryptoError, decrypt_id
from credit.core.masking import mask_id_number, mask_person_name, mask_text_ids
from credit.facts import dossier as sections_mod
from credit.lists.models import Color
from credit.portal.opaque import record_token
from credit.records import queries as records
from credit.subjects.models import SubjectKind
from credit.subjects.queries import basic_info
from credit.subjects.search import KIND_NAMES


def is_person(subject) -> bool:
    return subject.kind == SubjectKind.PERSON


def display_name(subject) -> str:
    return mask_person_name(subject.name) if is_person(subject) else subject.name


def masked_id(subject) -> str:
    """A person's ID number as 210502********1234; decrypted only to be masked."""
    if not subject.id_cipher:
        return ""
    try:
        return mask_id_number(decrypt_id(subject.id_cipher))
    except FieldCryptoError:
        return ""


@dataclass
class FieldValue:
    label: str
    value: str


@dataclass
class PublicRecord:
    token: str
    dataset_code: str
    dataset_name: str
    doc_number: str
    authority: str
    decision_date: dt.date
    category: str
    content: str
    public_until: dt.date | None
    subject_name: str
    subject_public_id: str
    subject_is_person: bool
    fields: list[FieldValue] = field(default_factory=list)
    # The dataset's list fields (`display.list`), as list pages show them.
    cells: list = field(default_factory=list)
    # The kernel's dispute facet (异议标注), set by `present_records` for list pages.
    disputed: bool = False


def public_fields(record, person: bool) -> list[FieldValue]:
    """The record page's fields (the dataset's `display.record`) the public may see, in
    order, masked; empty ones left out."""
    attrs = attributes.of_version(record.dataset_version)
    return [
        FieldValue(c.label, c.value)
        for c in sections_mod.shown_fields(
            record.dataset_version, record.data or {}, person=person, codes=attrs.record_fields
        )
        if c.value
    ]


def present_records(rows) -> list[PublicRecord]:
    """List rows: their versions read in one query (a join would carry each version's whole
    definition on every row), then presented."""
    rows = list(rows)
    versions = DatasetVersion.objects.in_bulk({r.dataset_version_id for r in rows})
    for row in rows:
        row.dataset_version = versions[row.dataset_version_id]
    shown = [present_record(r) for r in rows]
    # The 异议标注 on every list that shows the facts, in one indexed query.
    disputed = facts.disputed(facts.RECORD, [r.pk for r in rows])
    for row, public in zip(rows, shown, strict=True):
        public.disputed = row.pk in disputed
    return shown


def present_record(record, *, with_fields: bool = False) -> PublicRecord:
    subject = record.subject
    person = is_person(subject)
    data = record.data or {}
    attrs = attributes.of_version(record.dataset_version)
    content = data.get(attrs.summary_field, "") if attrs.summary_field else ""
    category = data.get(attrs.filter_field, "") if attrs.filter_field else ""
    return PublicRecord(
        token=record_token(record.pk),
        dataset_code=record.dataset.code,
        dataset_name=record.dataset.name,
        doc_number=record.doc_number,
        authority=record.authority_name or record.department.name,
        decision_date=record.decision_date,
        category=str(category or ""),
        content=mask_text_ids(str(content or "")),
        public_until=record.public_until,
        subject_name=display_name(subject),
        subject_public_id=subject.public_id,
        subject_is_person=person,
        fields=public_fields(record, person) if with_fields else [],
        cells=sections_mod.shown_fields(
            record.dataset_version, data, person=person, codes=attrs.list_fields
        ),
    )


PUBLIC_ENTRIES = "lists"


def count_public(subject_ids: list[int]) -> dict[int, dict[str, int]]:
    """{subject_id: {dataset_code: n}} of public records (search results), and under
    `PUBLIC_ENTRIES` the number of public list entries: a subject with none of either is
    not shown to the public at all."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        records.public_records()
        .filter(subject_id__in=subject_ids)
        .values_list("subject_id", "dataset__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    for sid, code, n in rows:
        counts.setdefault(sid, {})[code] = n
    entries = (
        facts.readable(facts.LIST_ENTRY, facts.Audience.PUBLIC)
        .filter(subject_id__in=subject_ids)
        .values_list("subject_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for sid, n in entries:
        counts.setdefault(sid, {})[PUBLIC_ENTRIES] = n
    return counts


def records_by_alias(subject, aliases: tuple[str, ...]) -> dict[str, list[PublicRecord]]:
    """{alias: the subject's public records of the dataset with that alias}."""
    codes = {}
    for dataset in catalog.public_datasets():
        alias = attributes.of_version(dataset.current_version).alias
        if alias in aliases:
            codes[alias] = dataset.code
    found = {}
    for alias in aliases:
        code = codes.get(alias)
        rows = (
            records.public_records_of(subject, code).select_related("dataset_version")
            if code
            else []
        )
        found[alias] = [present_record(r, with_fields=True) for r in _with_subject(rows, subject)]
    return found


def _with_subject(queryset, subject):
    # The profile already holds the subject: no join, and no second fetch per record.
    for record in queryset:
        record.subject = subject
        yield record


@dataclass
class ProfilePage:
    """What the 信用档案 page shows: the report's sections (facts.dossier)."""

    public_id: str
    name: str
    kind_name: str
    is_person: bool
    updated: dt.date | None
    sections: list[sections_mod.Section]
    red: list
    black: list


def public_blocks(datasets: dict, *, person: bool) -> list[sections_mod.DatasetBlock]:
    """The compiled read's rows per dataset as masked section blocks."""
    blocks = []
    for code, shown in datasets.items():
        if not shown.rows:
            continue
        rows = [
            sections_mod.FactRow(
                token=r.token,
                version_id=r.version_id,
                version_hash=r.version_hash,
                data=r.data,
                doc_number=r.doc_number,
                decision_date=r.decision_date,
                public_until=r.public_until,
                authority=r.authority,
                fact_id=r.pk,
                disputed=r.disputed,
            )
            for r in shown.rows
        ]
        blocks.append(sections_mod.dataset_block(code, rows, shown.total, person=person))
    return blocks


def profile_page(public_id: str, data) -> ProfilePage | None:
    """The page's masked view of `profile_page.load()`; None for a subject (of any kind) with
    no public record and no public list entry."""
    s = data.subject
    person = s.kind == SubjectKind.PERSON
    blocks = public_blocks(data.datasets, person=person)
    if not (blocks or data.red or data.black):
        return None
    sections = sections_mod.build(
        basic_info(s, registration=data.registration), blocks, data.red, data.black
    )
    # The 异议标注 came with the rows (the compiled statements read the dispute facet).
    return ProfilePage(
        public_id=public_id,
        name=mask_person_name(s.name) if person else s.name,
        kind_name=KIND_NAMES.get(s.kind, s.kind),
        is_person=person,
        updated=timezone.localtime(data.updated).date() if data.updated else None,
        sections=sections,
        red=data.red,
        black=data.black,
    )


def public_counts_by_dataset(today: dt.date | None = None) -> dict[str, int]:
    """{dataset_code: n} of records public today (home page)."""
    rows = (
        records.public_records(today)
        .values_list("dataset__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def list_counts(today: dt.date | None = None) -> dict[str, int]:
    """{"red": n, "black": n} of list entries public today (home page)."""
    rows = (
        facts.readable(facts.LIST_ENTRY, facts.Audience.PUBLIC, today)
        .values_list("list_type__color")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {Color.RED.value: 0, Color.BLACK.value: 0}
    counts.update(dict(rows))
    return counts
