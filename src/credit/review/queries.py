"""Reads behind the review queue: candidate groups, the side-by-side comparison, history.

A candidate group is a set of subjects (not merged away) with the same kind, normalised
name and 负责人 (legal_rep, compared as written, empty included) whose regions agree (the
same code, or no code: a sole trader without a USCC has no region). Only groups holding a
flagged subject (`needs_review`) are offered: that flag is what the import sets on every
unverified subject and on a name mismatch, so the queue starts from the few flagged rows
(partial index) and looks up their namesakes by the indexed normalised name, never by
grouping the whole registry. The signal only proposes; nothing here merges.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from credit.core.fieldcrypto import FieldCryptoError, decrypt_id
from credit.core.masking import mask_id_number
from credit.facts import LIST_ENTRY, RECORD, Audience, readable
from credit.lists.models import ListEntry
from credit.records.models import Record
from credit.subjects.models import (
    DistinctConfirmation,
    Subject,
    SubjectMerge,
    SubjectNameSeen,
)
from credit.subjects.search import region_name

# Flagged subjects read for one queue page computation; beyond it the page says so.
MAX_FLAGGED = 2000
RECORDS_SHOWN = 10
MAX_COMPARED = 12
_CHUNK = 500


def _key(s: Subject) -> tuple[str, str, str]:
    return (s.kind, s.name_norm, s.legal_rep)


def _split_by_region(members: list[Subject]) -> list[list[Subject]]:
    """Members whose regions agree: one group per region code, each with the members that
    have no code (they could be any of them)."""
    regions = sorted({m.region_code for m in members if m.region_code})
    if len(regions) <= 1:
        return [members]
    blank = [m for m in members if not m.region_code]
    return [[m for m in members if m.region_code == r] + blank for r in regions]


def _namesakes(subjects: list[Subject]) -> list[Subject]:
    names = sorted({s.name_norm for s in subjects})
    found: dict[int, Subject] = {s.pk: s for s in subjects}
    for start in range(0, len(names), _CHUNK):
        for s in Subject.objects.filter(
            name_norm__in=names[start : start + _CHUNK], merged_into__isnull=True
        ):
            found.setdefault(s.pk, s)
    keys = {_key(s) for s in subjects}
    return [s for s in found.values() if _key(s) in keys]


def _open_names(subject_ids) -> dict[int, list[SubjectNameSeen]]:
    out: dict[int, list[SubjectNameSeen]] = defaultdict(list)
    ids = list(subject_ids)
    for start in range(0, len(ids), _CHUNK):
        for seen in SubjectNameSeen.objects.filter(
            subject_id__in=ids[start : start + _CHUNK], resolved_at__isnull=True
        ):
            out[seen.subject_id].append(seen)
    return out


def flags_of(subject: Subject, open_names: list) -> list[str]:
    """Why a subject is in the queue, in words."""
    flags = []
    if open_names:
        flags.append(f"报送名称与登记名称不一致（{len(open_names)} 个）")
    if not subject.verified:
        flags.append("无统一社会信用代码或身份证号，仅按名称登记")
    if subject.needs_review and not flags:
        flags.append("待人工核对")
    return flags


@dataclass
class QueueGroup:
    members: list[Subject]
    reason: str
    flagged: int
    names_seen: list[str] = field(default_factory=list)

    @property
    def lead(self) -> Subject:
        """The subject the comparison page opens with: a flagged one."""
        return next((m for m in self.members if m.needs_review), self.members[0])

    @property
    def region(self) -> str:
        code = next((m.region_code for m in self.members if m.region_code), "")
        return region_name(code) or code or "未登记"


@dataclass
class Queue:
    groups: list[QueueGroup]
    flagged_total: int
    truncated: bool


def review_queue() -> Queue:
    """Every flagged subject, in its candidate group when it has one, alone otherwise."""
    base = Subject.objects.filter(needs_review=True, merged_into__isnull=True)
    flagged = list(base.order_by("pk")[: MAX_FLAGGED + 1])
    truncated = len(flagged) > MAX_FLAGGED
    flagged = flagged[:MAX_FLAGGED]
    by_key: dict[tuple, list[Subject]] = defaultdict(list)
    for s in _namesakes(flagged):
        by_key[_key(s)].append(s)
    names = _open_names(s.pk for s in flagged)
    groups: list[QueueGroup] = []
    grouped: set[int] = set()
    for members in by_key.values():
        for group in _split_by_region(sorted(members, key=lambda m: m.pk)):
            flagged_here = sum(1 for m in group if m.needs_review)
            if len(group) < 2 or not flagged_here:
                continue
            grouped.update(m.pk for m in group if m.needs_review)
            groups.append(QueueGroup(group, "同名、同负责人、同地区（疑似同一主体）", flagged_here))
    for s in flagged:
        if s.pk in grouped:
            continue
        open_names = names.get(s.pk, [])
        groups.append(
            QueueGroup(
                [s],
                "；".join(flags_of(s, open_names)),
                1,
                names_seen=[n.name for n in open_names],
            )
        )
    groups.sort(key=lambda g: (len(g.members) < 2, g.members[0].name_norm, g.members[0].pk))
    return Queue(groups, base.count() if truncated else len(flagged), truncated)


def group_of(subject: Subject) -> list[Subject]:
    """`subject` and its candidates (same kind, name, 负责人, agreeing region)."""
    namesakes = sorted(_namesakes([subject]), key=lambda m: m.pk)
    for group in _split_by_region(namesakes):
        if any(m.pk == subject.pk for m in group):
            return group[:MAX_COMPARED]
    return [subject]


def masked_id(subject: Subject) -> str:
    if not subject.id_cipher:
        return ""
    try:
        return mask_id_number(decrypt_id(subject.id_cipher))
    except FieldCryptoError as exc:
        return exc.message


@dataclass
class Candidate:
    """One column of the comparison page."""

    subject: Subject
    masked_id: str
    region: str
    flags: list[str]
    record_counts: list[tuple[str, int]]
    record_total: int
    records: list[Record]
    entries: list[ListEntry]
    names_seen: list[SubjectNameSeen]
    distinct_from: list[str]
    merges_in: list[SubjectMerge]


def _records():
    # The office compares everything held about the candidates, withdrawn and unpublished
    # included: whether two profiles are one subject does not depend on what is public.
    return readable(RECORD, Audience.OFFICE)


def _entries():
    return readable(LIST_ENTRY, Audience.OFFICE)


def compare(subjects: list[Subject]) -> list[Candidate]:
    ids = [s.pk for s in subjects]
    counts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in (
        _records()
        .filter(subject_id__in=ids)
        .values("subject_id", "dataset__name")
        .annotate(n=Count("id"))
        .order_by("subject_id", "dataset__name")
    ):
        counts[row["subject_id"]].append((row["dataset__name"], row["n"]))
    names = _open_names(ids)
    by_pk = {s.pk: s for s in subjects}
    distinct: dict[int, list[str]] = defaultdict(list)
    for pair in DistinctConfirmation.objects.filter(
        Q(subject_a_id__in=ids) | Q(subject_b_id__in=ids)
    ).select_related("subject_a", "subject_b"):
        distinct[pair.subject_a_id].append(pair.subject_b.public_id)
        distinct[pair.subject_b_id].append(pair.subject_a.public_id)
    merges: dict[int, list[SubjectMerge]] = defaultdict(list)
    for merge in SubjectMerge.objects.filter(
        survivor_id__in=ids, undone_at__isnull=True
    ).select_related("merged"):
        merges[merge.survivor_id].append(merge)
    out = []
    for pk in ids:
        s = by_pk[pk]
        records = list(
            _records()
            .filter(subject_id=pk)
            .select_related("dataset", "department")
            .order_by("-decision_date", "-id")[:RECORDS_SHOWN]
        )
        entries = list(
            _entries()
            .filter(subject_id=pk)
            .select_related("list_type")
            .order_by("-decision_date", "-id")
        )
        out.append(
            Candidate(
                subject=s,
                masked_id=masked_id(s),
                region=region_name(s.region_code) or s.region_code or "未登记",
                flags=flags_of(s, names.get(pk, [])),
                record_counts=counts.get(pk, []),
                record_total=sum(n for _, n in counts.get(pk, [])),
                records=records,
                entries=entries,
                names_seen=names.get(pk, []),
                distinct_from=distinct.get(pk, []),
                merges_in=merges.get(pk, []),
            )
        )
    return out


def merge_history():
    return SubjectMerge.objects.select_related("survivor", "merged").order_by("-merged_at", "-id")
