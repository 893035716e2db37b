"""What a special credit report (专项信用报告, replacing "no violation" certificates) states:
per domain (领域), the subject's negative administrative decisions and serious-dishonesty
list entries in the period asked, or in words that none were found.

The report is for the subject itself, so the kernel's SUBJECT audience decides what is in
it: minor penalties and 简易程序 decisions that are never public are included, withdrawn
ones are not. Which datasets count is catalog data: the negative (不良) datasets of the
行政管理 section (penalties, enforcement, and any added there later); black-list entries
count from the list types. A domain is the departments mapped to it (ReportDomain): a
domain without any says so instead of certifying an absence it cannot know.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from credit import facts
from credit.catalog import attributes
from credit.core.digests import sm3_hex
from credit.lists.models import Color
from credit.reports.dossier import KIND_NAMES, Table, _fmt, table_of
from credit.reports.models import ReportDomain
from credit.subjects.models import Subject

SECTION = "行政管理"
NEGATIVE = "不良"
DEFAULT_FROM = dt.date(2020, 9, 1)  # domain.md §6: Liaoning's special reports start here


@dataclass
class DomainPart:
    name: str
    configured: bool
    tables: list[Table] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(t.total for t in self.tables)


@dataclass
class SpecialDossier:
    subject_id: int
    name: str
    uscc: str
    kind: str
    period_from: dt.date
    period_to: dt.date
    domains: list[DomainPart]

    def digest(self) -> str:
        return sm3_hex(
            json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=str).encode()
        )


def _counted(version_definition: dict) -> bool:
    attrs = attributes.attributes_of(version_definition)
    return attrs.category == NEGATIVE and attrs.section == SECTION


def build(
    subject: Subject, period_from: dt.date, period_to: dt.date, domains: list[ReportDomain]
) -> SpecialDossier:
    day = period_to
    records = (
        facts.readable(facts.RECORD, facts.Audience.SUBJECT, day, subject=subject)
        .filter(subject=subject, decision_date__gte=period_from, decision_date__lte=period_to)
        .select_related("dataset", "dataset_version", "department")
        .order_by("-decision_date", "-id")
    )
    entries = (
        facts.readable(facts.LIST_ENTRY, facts.Audience.SUBJECT, day, subject=subject)
        .filter(
            subject=subject,
            list_type__color=Color.BLACK,
            decision_date__gte=period_from,
            decision_date__lte=period_to,
        )
        .select_related("list_type", "department", "list_type__department")
        .order_by("-decision_date", "-id")
    )
    by_department_records = defaultdict(list)
    for record in records:
        if _counted(record.dataset_version.definition or {}):
            by_department_records[record.department_id].append(record)
    by_department_entries = defaultdict(list)
    for entry in entries:
        department = entry.department_id or entry.list_type.department_id
        by_department_entries[department].append(entry)
    parts = []
    for domain in domains:
        department_ids = {d.pk for d in domain.departments.all()}
        part = DomainPart(domain.name, configured=bool(department_ids))
        grouped: dict[int, list] = defaultdict(list)
        for department_id in department_ids:
            for record in by_department_records.get(department_id, []):
                grouped[record.dataset_id].append(record)
        for rows in grouped.values():
            rows.sort(key=lambda r: (r.decision_date, r.pk), reverse=True)
            part.tables.append(table_of(rows, limit=len(rows)))
        listed = [e for d in department_ids for e in by_department_entries.get(d, [])]
        if listed:
            part.tables.append(
                Table(
                    "严重失信主体名单",
                    ["名单", "决定文书号", "决定日期", "有效期至"],
                    [
                        [
                            e.list_type.name,
                            e.decision_number,
                            _fmt(e.decision_date),
                            _fmt(e.period_end) or "长期",
                        ]
                        for e in listed
                    ],
                    len(listed),
                    "黑名单",
                )
            )
        parts.append(part)
    return SpecialDossier(
        subject_id=subject.pk,
        name=subject.name,
        uscc=subject.uscc or "",
        kind=KIND_NAMES.get(subject.kind, subject.kind),
        period_from=period_from,
        period_to=period_to,
        domains=parts,
    )
