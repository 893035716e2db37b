"""A subject's dossier (信用档案) organised like a 信用中国 report, from the catalog alone.

Shared by the portal (public profile and public API) and the console (sharing and the
providing department): both pass the facts their audience's kernel query found.

Sections are the catalog's (`catalog.definition.SECTIONS`): a dataset lands in the section
its definition names, in its `display.position`, showing its `display.list` fields; list
entries fill 诚实守信 (red lists) and 严重失信主体名单 (black lists). No dataset is named
here, so a dataset defined only in YAML shows up where its definition puts it.

The builder takes rows an audience may already see (the public's compiled read, the
console's kernel queryset) and only shapes and masks them: which facts are shown is the
caller's kernel query, never decided here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from credit.catalog import attributes
from credit.catalog import queries as catalog
from credit.catalog.definition import SECTIONS
from credit.core.masking import mask_person_name, mask_text_ids
from credit.facts.kinds import LIST_ENTRY, RECORD

BASIC = SECTIONS[0]
# Sections that show list entries besides datasets, and which colour.
ENTRY_SECTIONS = {"诚实守信": "red", "严重失信主体名单": "black"}
# Never shown, whatever a catalog version says: identity documents.
NEVER_SHOWN_ROLES = frozenset({"subject_id_number", "legal_rep_id_number", "subject_id_type"})
PERSON_NAME_ROLES = frozenset({"subject_name"})


# A list cell longer than this is cut with an ellipsis (the record page shows it whole).
SHORT_CELL = 60


@dataclass
class Cell:
    label: str
    value: str

    @property
    def short(self) -> str:
        """The value as a list shows it; what `truncatechars:60` gave, without the filter's
        cost on the portal's busiest page."""
        value = self.value
        return value if len(value) <= SHORT_CELL else value[: SHORT_CELL - 1] + "…"


@dataclass
class Row:
    """One record as a profile row: its list fields, masked."""

    token: str
    dataset_code: str
    doc_number: str
    decision_date: dt.date | None
    public_until: dt.date | None
    authority: str
    summary: str
    cells: list[Cell]
    fact_id: int | None = None
    # The kernel's dispute facet (异议标注): set by `mark_disputed`, or read with the rows.
    disputed: bool = False


@dataclass
class DatasetBlock:
    code: str
    name: str
    columns: list[str]
    rows: list[Row]
    total: int
    attrs: attributes.Attributes

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    @property
    def slug(self) -> str:
        """The name of its public list in addresses (the alias where it has one)."""
        return self.attrs.alias or self.code


@dataclass
class Section:
    title: str
    anchor: str
    datasets: list[DatasetBlock] = field(default_factory=list)
    # List entries (红名单 in 诚实守信, 黑名单 in 严重失信主体名单); `entry_color` says
    # whether the section has them at all.
    entry_color: str = ""
    entries: list = field(default_factory=list)
    # 基本信息: (label, value) pairs.
    basic: list[tuple[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.datasets or self.entries or self.basic)

    @cached_property
    def total(self) -> int:
        # Read by the page's section menu and its headings: summed once.
        return sum(d.total for d in self.datasets) + len(self.entries)


@dataclass
class FactRow:
    """A record as a caller read it: enough to show it, before masking."""

    token: str
    version_id: int
    version_hash: str
    data: dict
    doc_number: str
    decision_date: dt.date | None
    public_until: dt.date | None
    authority: str
    fact_id: int | None = None
    disputed: bool = False


def shown_fields(version, data: dict, *, person: bool, codes: Iterable[str] | None = None):
    """(label, value) of `codes` (default: every field) the public may read, in order,
    masked: identity documents and non-public fields never; a person's name by surname."""
    fields = catalog.fields_of(version)
    if codes is not None:
        by_code = {f.code: f for f in fields}
        fields = [by_code[c] for c in codes if c in by_code]
    shown = []
    for f in fields:
        if not f.public or f.role in NEVER_SHOWN_ROLES or f.masking == "id_number":
            continue
        raw = (data or {}).get(f.code)
        if raw in (None, ""):
            value = ""
        else:
            value = str(raw)
            if person and (f.role in PERSON_NAME_ROLES or f.masking == "name"):
                value = mask_person_name(value)
            else:
                value = str((f.rules.get("value_labels") or {}).get(value, value))
        shown.append(Cell(f.label, mask_text_ids(value)))
    return shown


def dataset_block(code: str, facts: list[FactRow], total: int, *, person: bool) -> DatasetBlock:
    """A dataset's rows shown with the list fields of its newest row's version."""
    version = catalog.version_by_id(facts[0].version_id, facts[0].version_hash)
    attrs = attributes.of_version(version)
    rows = []
    for fact in facts:
        row_version = (
            version
            if fact.version_id == version.pk
            else catalog.version_by_id(fact.version_id, fact.version_hash)
        )
        cells = shown_fields(row_version, fact.data, person=person, codes=attrs.list_fields)
        summary = fact.data.get(attrs.summary_field, "") if attrs.summary_field else ""
        rows.append(
            Row(
                token=fact.token,
                dataset_code=code,
                doc_number=fact.doc_number,
                decision_date=fact.decision_date,
                public_until=fact.public_until,
                authority=fact.authority,
                summary=mask_text_ids(str(summary or "")),
                cells=cells,
                fact_id=fact.fact_id,
                disputed=fact.disputed,
            )
        )
    columns = [c.label for c in rows[0].cells] if rows else []
    # A row from an older version may lack a column: pad so the table stays aligned.
    for row in rows:
        if [c.label for c in row.cells] != columns:
            by_label = {c.label: c.value for c in row.cells}
            row.cells = [Cell(label, by_label.get(label, "")) for label in columns]
    return DatasetBlock(code, attrs.name, columns, rows, total, attrs)


def build(
    basic: list[tuple[str, str]],
    blocks: Iterable[DatasetBlock],
    red: list,
    black: list,
) -> list[Section]:
    """Every section of the report, in the catalog's order (empty ones included: a report
    says "暂无" rather than leave a reader wondering)."""
    by_section: dict[str, list[DatasetBlock]] = {}
    for block in sorted(blocks, key=lambda b: attributes.display_order(b.attrs)):
        by_section.setdefault(block.attrs.section, []).append(block)
    entries = {"red": red, "black": black}
    sections = []
    for number, title in enumerate(SECTIONS, start=1):
        section = Section(title, f"section-{number}", by_section.get(title, []))
        if title == BASIC:
            section.basic = basic
        color = ENTRY_SECTIONS.get(title, "")
        if color:
            section.entry_color = color
            section.entries = entries[color]
        sections.append(section)
    return sections


def mark_disputed(sections: list[Section], subject_id: int) -> None:
    """Put the dispute facet (异议标注) on the sections' record rows and list entries, in
    place, by fact id: one indexed query on the subject's open disputes. Entries carry
    their id as `fact_id` and get a `disputed` attribute whatever their class."""
    from credit.facts.models import Dispute

    open_rows = list(
        Dispute.objects.filter(subject_id=subject_id, closed_at__isnull=True).values_list(
            "kind", "fact_id"
        )
    )
    records = {fact_id for kind, fact_id in open_rows if kind == RECORD}
    entries = {fact_id for kind, fact_id in open_rows if kind == LIST_ENTRY}
    for section in sections:
        for block in section.datasets:
            for row in block.rows:
                row.disputed = row.fact_id is not None and row.fact_id in records
        for entry in section.entries:
            entry.disputed = getattr(entry, "fact_id", None) in entries
