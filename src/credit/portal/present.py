"""What the public may read of a subject or a record, masked (domain.md §2, §7).

Only catalog fields marked public are shown; identifier fields are dropped whatever the
catalog says; persons keep the surname only; any ID-number-looking text in free fields
is masked. Every public page and the public API shape their answers here, so there is one
place to get masking right.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils import timezone

from credit import facts
from credit.catalog import attributes
from credit.catalog import queries as catalog
from credit.core.fieldcrypto import FieldCryptoError, decrypt_id
from credit.core.masking import mask_id_number, mask_person_name, mask_text_ids
from credit.lists.models import Color
from credit.portal.opaque import record_token
from credit.records import queries as records
from credit.subjects.models import SubjectKind
from credit.subjects.search import KIND_NAMES, region_name

LICENCE = "licence"
PENALTY = "penalty"
# Never public, whatever a catalog version says: the subject's and the legal
# representative's identity documents.
_NEVER_PUBLIC_ROLES = frozenset({"subject_id_number", "legal_rep_id_number", "subject_id_type"})
_CONTENT_FIELDS = ("CF_NR", "XK_NR")
_CATEGORY_FIELDS = ("CF_CFLB", "XK_XKLB")
_PERSON_NAME_ROLES = frozenset({"subject_name"})


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


def public_fields(record, person: bool) -> list[FieldValue]:
    """The record's catalog fields the public may see, in the standard's order, masked."""
    shown = []
    for f in catalog.fields_of(record.dataset_version):
        if not f.public or f.role in _NEVER_PUBLIC_ROLES or f.masking == "id_number":
            continue
        raw = record.data.get(f.code)
        if raw in (None, ""):
            continue
        value = str(raw)
        if person and f.role in _PERSON_NAME_ROLES:
            value = mask_person_name(value)
        elif f.role == "licence_status":
            value = (f.rules.get("value_labels") or {}).get(value, value)
        shown.append(FieldValue(f.label, mask_text_ids(value)))
    return shown


def present_record(record, *, with_fields: bool = False) -> PublicRecord:
    subject = record.subject
    person = is_person(subject)
    data = record.data or {}
    content = next((data[c] for c in _CONTENT_FIELDS if data.get(c)), "")
    category = next((data[c] for c in _CATEGORY_FIELDS if data.get(c)), "")
    return PublicRecord(
        token=record_token(record.pk),
        dataset_code=record.dataset.code,
        dataset_name=record.dataset.name,
        doc_number=record.doc_number,
        authority=record.authority_name or record.department.name,
        decision_date=record.decision_date,
        category=str(category),
        content=mask_text_ids(str(content)),
        public_until=record.public_until,
        subject_name=display_name(subject),
        subject_public_id=subject.public_id,
        subject_is_person=person,
        fields=public_fields(record, person) if with_fields else [],
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


@dataclass
class Profile:
    public_id: str
    name: str
    kind: str
    kind_name: str
    is_person: bool
    uscc: str
    legal_rep: str
    id_number: str
    region: str
    updated: dt.date | None
    licences: list[PublicRecord]
    penalties: list[PublicRecord]


def profile(subject, *, with_fields: bool = False, allow_empty: bool = False) -> Profile | None:
    """A subject's public credit profile; None for a subject with nothing public.

    Persons, organisations and sole traders alike: a name, code and legal representative
    known only from ended or unpublished records are not public (a sole trader's name is a
    natural person's). `allow_empty` is for a caller that has found public list entries."""
    person = is_person(subject)
    licences, penalties = (
        [
            present_record(r, with_fields=with_fields)
            for r in _with_subject(records.public_records_of(subject, code), subject)
        ]
        for code in (LICENCE, PENALTY)
    )
    if not (licences or penalties) and not allow_empty:
        return None
    newest = records.public_records_of(subject).aggregate(at=Max("updated_at"))["at"]
    updated = max(filter(None, [newest, subject.updated_at]))
    return Profile(
        public_id=subject.public_id,
        name=display_name(subject),
        kind=subject.kind,
        kind_name=KIND_NAMES.get(subject.kind, subject.kind),
        is_person=person,
        uscc=subject.uscc or "",
        legal_rep="" if person else subject.legal_rep,
        id_number=masked_id(subject) if person else "",
        region=region_name(subject.region_code),
        updated=timezone.localtime(updated).date() if updated else None,
        licences=licences,
        penalties=penalties,
    )


def _with_subject(queryset, subject):
    # The profile already holds the subject: no join, and no second fetch per record.
    for record in queryset:
        record.subject = subject
        yield record


@dataclass
class ProfilePage:
    """What the 信用档案 page shows: the newest records of each dataset, with totals."""

    public_id: str
    name: str
    kind_name: str
    is_person: bool
    uscc: str
    legal_rep: str
    id_number: str
    region: str
    updated: dt.date | None
    licences: list
    licence_total: int
    penalties: list
    penalty_total: int
    red: list
    black: list
    # Records of every other dataset, grouped by the catalog's profile section.
    sections: list = field(default_factory=list)


@dataclass
class SectionDataset:
    code: str
    name: str
    rows: list
    total: int


@dataclass
class ProfileSection:
    title: str
    datasets: list[SectionDataset]


def _sections(datasets: dict, shown_apart: tuple[str, ...]) -> list[ProfileSection]:
    """Datasets without a section of their own on the page, by catalog section and name."""
    found = []
    for code, shown in datasets.items():
        if code in shown_apart or not shown.total:
            continue
        version = catalog.current_version(code)
        if version is None:
            continue
        attrs = attributes.of_version(version)
        for row in shown.rows:
            row.content = mask_text_ids(row.content)
        found.append((attrs, SectionDataset(code, attrs.name, shown.rows, shown.total)))
    found.sort(key=lambda pair: (attributes.section_order(pair[0].section), pair[0].code))
    sections: list[ProfileSection] = []
    for attrs, entry in found:
        if not sections or sections[-1].title != attrs.section:
            sections.append(ProfileSection(attrs.section, []))
        sections[-1].datasets.append(entry)
    return sections


def profile_page(public_id: str, data) -> ProfilePage | None:
    """The page's masked view of `profile_page.load()`; None for a subject (of any kind) with
    no public record and no public list entry."""
    s = data.subject
    person = s.kind == SubjectKind.PERSON
    licences, penalties = data.datasets[LICENCE], data.datasets[PENALTY]
    sections = _sections(data.datasets, (LICENCE, PENALTY))
    if not (licences.total or penalties.total or sections or data.red or data.black):
        return None
    for shown in (licences, penalties):
        for row in shown.rows:
            row.content = mask_text_ids(row.content)
    return ProfilePage(
        public_id=public_id,
        name=mask_person_name(s.name) if person else s.name,
        kind_name=KIND_NAMES.get(s.kind, s.kind),
        is_person=person,
        uscc=s.uscc or "",
        legal_rep="" if person else s.legal_rep,
        id_number=masked_id(s) if person else "",
        region=region_name(s.region_code),
        updated=timezone.localtime(data.updated).date() if data.updated else None,
        licences=licences.rows,
        licence_total=licences.total,
        penalties=penalties.rows,
        penalty_total=penalties.total,
        red=data.red,
        black=data.black,
        sections=sections,
    )


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
