"""A subject's profile in the console: the report sections of facts.dossier, as on the portal, for
the console's audience — what government sharing may see, plus everything the reader's own
department provided, in any state. Each read is written to the access log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from credit import facts
from credit.audit import services as audit
from credit.core.actors import Actor
from credit.facts import dossier as sections
from credit.lists.models import ListEntry
from credit.records.models import Record
from credit.subjects.models import SubjectKind
from credit.subjects.queries import basic_info

SHOWN_PER_DATASET = 20
RESOURCE = "console.subject_profile"


@dataclass
class Entry:
    list_code: str
    list_name: str
    color: str
    decision_number: str
    decision_date: object
    period_start: object
    period_end: object
    authority: str
    fact_id: int | None = None
    disputed: bool = False  # set by facts.dossier.mark_disputed


def _audience(kind: str, actor: Actor):
    seen = facts.visible(kind, facts.Audience.SHARING)
    if actor.department_id:
        seen |= facts.visible(kind, facts.Audience.PROVIDER, actor=actor)
    return seen


def build(actor: Actor, subject) -> list[sections.Section]:
    """The subject's sections as `actor` may see them; logs the read."""
    audit.log_access(
        actor,
        resource=RESOURCE,
        purpose="工作台查看信用档案",
        subject_id=subject.pk,
        subject_label=subject.name,
    )
    records = Record.objects.filter(_audience(facts.RECORD, actor), subject=subject)
    totals = dict(records.values_list("dataset__code").annotate(n=Count("id")).order_by())
    rows: dict[str, list[sections.FactRow]] = {}
    newest = records.select_related("dataset", "dataset_version", "department").order_by(
        "dataset_id", "-decision_date", "-id"
    )
    for record in newest:
        shown = rows.setdefault(record.dataset.code, [])
        if len(shown) >= SHOWN_PER_DATASET:
            continue
        shown.append(
            sections.FactRow(
                token="",  # the console links no public record page
                version_id=record.dataset_version_id,
                version_hash=record.dataset_version.definition_hash,
                data=record.data or {},
                doc_number=record.doc_number,
                decision_date=record.decision_date,
                public_until=record.public_until,
                authority=record.authority_name or record.department.name,
                fact_id=record.pk,
            )
        )
    person = subject.kind == SubjectKind.PERSON
    blocks = [
        sections.dataset_block(code, found, totals.get(code, len(found)), person=person)
        for code, found in rows.items()
    ]
    entries = (
        ListEntry.objects.filter(_audience(facts.LIST_ENTRY, actor), subject=subject)
        .select_related("list_type", "department", "list_type__department")
        .order_by("list_type__position", "-decision_date", "-id")
    )
    red, black = [], []
    for e in entries:
        entry = Entry(
            e.list_type.code,
            e.list_type.name,
            e.list_type.color,
            e.decision_number,
            e.decision_date,
            e.period_start,
            e.period_end,
            e.authority_name or (e.department.name if e.department_id else ""),
            e.pk,
        )
        (red if entry.color == "red" else black).append(entry)
    built = sections.build(basic_info(subject), blocks, red, black)
    sections.mark_disputed(built, subject.pk)
    return built
