"""Who may be drawn: a department's licensees, every graded subject, or subjects named.

A department's licensees are the subjects of the licence records it provided. Which
datasets hold licences is read from the catalog (`catalog.attributes`): the versions whose
publicity rule makes them the 行政许可 half of 双公示, or whose national category is 行政许可
— no dataset code is named here. Withdrawn records do not make a licensee. Only
organisations and sole traders are drawn (the evaluation grades no persons), and a subject
merged into another is replaced by the one it was merged into.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from credit.catalog.attributes import of_version
from credit.catalog.models import DatasetVersion
from credit.records.models import Record
from credit.subjects.models import Subject, SubjectKind

LICENCE_COUNT_KEY = "licences"
LICENCE_NATIONAL_CATEGORY = "行政许可"
DRAWABLE_KINDS = (SubjectKind.ORGANIZATION, SubjectKind.SOLE_TRADER)
# Subject ids per query: within SQLite's parameter limit.
CHUNK = 900


def is_licence_version(version: DatasetVersion) -> bool:
    attrs = of_version(version)
    return attrs.count_key == LICENCE_COUNT_KEY or LICENCE_NATIONAL_CATEGORY in (
        attrs.national_category or ""
    )


def licence_version_ids() -> list[int]:
    return [v.pk for v in DatasetVersion.objects.only("id", "definition") if is_licence_version(v)]


def licensee_ids(department_id: int) -> set[int]:
    """Subjects of the (not withdrawn) licence records `department_id` provided."""
    ids = (
        Record.objects.filter(
            department_id=department_id,
            dataset_version_id__in=licence_version_ids(),
            withdrawn_at__isnull=True,
        )
        .values_list("subject_id", flat=True)
        .distinct()
    )
    return drawable(ids)


def drawable(subject_ids: Iterable[int]) -> set[int]:
    """The subjects of `subject_ids` that may be drawn: organisations and sole traders,
    merged subjects replaced by the subject they were merged into."""
    wanted = sorted(set(subject_ids))
    out: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        rows = Subject.objects.filter(pk__in=wanted[start : start + CHUNK]).values_list(
            "pk", "kind", "merged_into_id"
        )
        for pk, kind, merged_into in rows:
            target = merged_into or pk
            if merged_into is not None:
                kind = Subject.objects.filter(pk=target).values_list("kind", flat=True).first()
            if kind in DRAWABLE_KINDS:
                out.add(target)
    return out


def resolve_codes(codes: Iterable[str]) -> tuple[dict[str, int], list[str]]:
    """USCCs (or public identifiers) → subject ids; the second value lists the codes that
    name no drawable subject, in the order given."""
    codes = [c.strip() for c in codes]
    found: dict[str, int] = {}
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        upper = {c.upper(): c for c in chunk}
        rows = Subject.objects.filter(Q(uscc__in=list(upper)) | Q(public_id__in=chunk)).values_list(
            "pk", "uscc", "public_id"
        )
        for pk, uscc, public_id in rows:
            if uscc in upper:
                found[upper[uscc]] = pk
            if public_id in chunk:
                found[public_id] = pk
    kept = drawable(found.values())
    resolved = {}
    for code, pk in found.items():
        target = pk if pk in kept else _merged_target(pk, kept)
        if target is not None:
            resolved[code] = target
    return resolved, [c for c in codes if c not in resolved]


def _merged_target(pk: int, kept: set[int]) -> int | None:
    target = Subject.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()
    return target if target in kept else None
