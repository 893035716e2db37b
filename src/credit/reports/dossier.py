"""What a credit report states about a subject: its facts for one audience, by section.

The report's sections follow domain.md §6 (信用中国's report). Records land in the section
their dataset's catalog attributes name; list entries in 诚实守信 (red lists) or
严重失信主体名单 (black lists). Which facts appear is the credit-facts kernel's answer for
the report's audience (`facts.readable`), never a rule restated here; which fields of a
record appear is its dataset's display attributes, less what the catalog keeps from the
public (identity documents, fields not marked public), masked as on the portal.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from credit import facts
from credit.catalog import attributes
from credit.catalog import queries as catalog
from credit.core.digests import sm3_hex
from credit.core.masking import mask_text_ids
from credit.core.periods import add_months
from credit.evaluation import queries as evaluation
from credit.facts.disputes import disputed_of_subjects
from credit.lists.models import Color, ListEntry
from credit.records import publicity
from credit.records.models import Record
from credit.subjects import queries as subject_queries
from credit.subjects.models import RegStatus, Subject, SubjectKind

BASIC = "基本信息"
RED = "诚实守信"
BLACK = "严重失信主体名单"
OTHER = attributes.OTHER
# The report's sections, in the order of domain.md §6.
SECTIONS = (
    BASIC,
    "行政管理",
    RED,
    BLACK,
    "经营异常",
    "信用承诺",
    "信用评价",
    "司法判决",
    OTHER,
)
# Never printed, whatever a catalog version says: identity documents.
_NEVER_SHOWN_ROLES = frozenset({"subject_id_number", "legal_rep_id_number", "subject_id_type"})
# The 异议标注 column, present in a table only when one of its facts is under an open
# objection (the portal's marker words).
DISPUTE_COLUMN = "异议标注"
DISPUTED = "异议处理中"
# Records shown per dataset; a subject with more is told how many there are.
SHOWN_PER_DATASET = 200

KIND_NAMES = {
    SubjectKind.ORGANIZATION: "法人及非法人组织",
    SubjectKind.SOLE_TRADER: "个体工商户",
    SubjectKind.PERSON: "自然人",
}


@dataclass
class Table:
    """The facts of one dataset (or one list) within a section."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    total: int
    category: str = ""

    @property
    def widths(self) -> list[int]:
        """Column widths in per cent, from the longest value of each column (capped so one
        long text cannot squeeze the others). The PDF lays tables out with these fixed
        widths: WeasyPrint's automatic table layout measures every cell and was most of a
        report's rendering time."""
        weights = []
        for i, title in enumerate(self.columns):
            longest = max((len(row[i]) for row in self.rows if i < len(row)), default=0)
            weights.append(min(max(len(title), longest, 4), 28))
        total = sum(weights) or 1
        return [max(6, round(100 * w / total)) for w in weights]


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(t.total for t in self.tables)


@dataclass
class Dossier:
    subject_id: int
    name: str
    uscc: str
    kind: str
    legal_rep: str
    day: dt.date
    sections: list[Section]
    labels: list[str]
    counts: dict[str, int]
    advice: list[str] = field(default_factory=list)
    # The platform's grade as stated (grade_stamp()), "" when the report states none.
    grade_stamp: str = ""

    def digest(self) -> str:
        """SM3 of what the report states: equal dossiers print the same report."""
        payload = asdict(self)
        payload.pop("day")
        return sm3_hex(
            json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()
        )


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _repairable_from(record: Record, attrs, rules) -> dt.date | None:
    """The day the minimum publicity period of a negative record has passed (domain.md §4),
    from the same rule table the window was computed with; None when the rule has none."""
    rule = rules.get(attrs.publicity.rule, record.severity or publicity.DEFAULT_SEVERITY)
    rule = rule or rules.get(attrs.publicity.rule)
    if rule is None or rule.min_months is None:
        return None
    return add_months(record.decision_date, rule.min_months)


def _with_dispute_column(columns: list[str], body: list[list[str]], flags: list[bool]) -> None:
    """Append the 异议标注 column in place when any shown fact is disputed."""
    if any(flags):
        columns.append(DISPUTE_COLUMN)
        for line, flag in zip(body, flags, strict=True):
            line.append(DISPUTED if flag else "")


def table_of(
    rows: list[Record], limit: int = SHOWN_PER_DATASET, disputed: frozenset[int] = frozenset()
) -> Table:
    """The table of records of one dataset (newest first): the dataset's display fields
    that may be printed, led by the document number and authority when they are not
    among them."""
    newest = rows[0]
    attrs = attributes.of_version(newest.dataset.current_version or newest.dataset_version)
    fields = {f.code: f for f in catalog.fields_of(newest.dataset_version)}
    shown = [c for c in attrs.list_fields if _printable(fields.get(c))]
    roles = {fields[c].role for c in shown}
    # The document number and the authority always identify a record; the display
    # attributes usually list them, and a dataset whose do not gets them added.
    extra = [(label, getter) for role, label, getter in _IDENTIFYING if role not in roles]
    columns = [label for label, _ in extra] + [fields[c].label for c in shown]
    body = []
    for record in rows[:limit]:
        data = record.data or {}
        line = [getter(record) for _, getter in extra]
        line += [mask_text_ids(_fmt(data.get(code, ""))) for code in shown]
        body.append(line)
    _with_dispute_column(columns, body, [r.pk in disputed for r in rows[:limit]])
    return Table(attrs.name or newest.dataset.name, columns, body, len(rows), attrs.category)


def _record_tables(
    subject: Subject, audience, day: dt.date, advice: list[str]
) -> dict[str, list[Table]]:
    records = (
        facts.readable(facts.RECORD, audience, day, subject=subject)
        .filter(subject=subject)
        .select_related("dataset", "dataset_version", "department")
        .order_by("dataset__code", "-decision_date", "-id")
    )
    by_dataset: dict[int, list[Record]] = defaultdict(list)
    for record in records:
        by_dataset[record.dataset_id].append(record)
    tables: dict[str, list[Table]] = defaultdict(list)
    rules = publicity.load_rules() if by_dataset else None
    disputed = (
        frozenset(disputed_of_subjects(facts.RECORD, [subject.pk])) if by_dataset else frozenset()
    )
    for rows in by_dataset.values():
        table = table_of(rows, disputed=disputed)
        attrs = attributes.of_version(rows[0].dataset.current_version or rows[0].dataset_version)
        if attrs.category == "不良":
            advice.extend(_repair_advice(table.title, rows, attrs, rules, day))
        tables[attrs.section if attrs.section in SECTIONS else OTHER].append(table)
    return tables


def _repair_advice(title: str, rows: list[Record], attrs, rules, day: dt.date) -> list[str]:
    """One or two lines per dataset: which records may be repaired now, and from when the
    next one may (a subject with 200 penalties gets two lines, not 200)."""
    ready, later = [], []
    for record in rows:
        since = _repairable_from(record, attrs, rules)
        if since is not None:
            (ready if since <= day else later).append((since, record.doc_number))
    lines = []
    if ready:
        docs = "、".join(doc for _, doc in ready[:3]) + (" 等" if len(ready) > 3 else "")
        lines.append(
            f"{title}中有 {len(ready)} 条（{docs}）最短公示期已满，"
            "履行相关义务后现已可申请信用修复。"
        )
    if later:
        since, doc = min(later)
        lines.append(
            f"{title}中有 {len(later)} 条最短公示期未满，最早一条（{doc}）"
            f"自 {_fmt(since)} 起可申请信用修复。"
        )
    return lines


_IDENTIFYING = (
    ("document_number", "决定文书号", lambda r: r.doc_number),
    ("authority_name", "决定机关", lambda r: r.authority_name or r.department.name),
)


def _printable(f) -> bool:
    return (
        f is not None and f.public and f.role not in _NEVER_SHOWN_ROLES and f.masking != "id_number"
    )


def _entry_tables(
    subject: Subject, audience, day: dt.date, advice: list[str]
) -> dict[str, list[Table]]:
    entries = (
        facts.readable(facts.LIST_ENTRY, audience, day, subject=subject)
        .filter(subject=subject)
        .select_related("list_type", "department", "list_type__department")
        .order_by("list_type__color", "list_type__position", "-decision_date", "-id")
    )
    grouped: dict[int, list[ListEntry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.list_type_id].append(entry)
    tables: dict[str, list[Table]] = defaultdict(list)
    disputed = (
        frozenset(disputed_of_subjects(facts.LIST_ENTRY, [subject.pk])) if grouped else frozenset()
    )
    for rows in grouped.values():
        columns = ["决定文书号", "认定机关", "决定日期", "有效期自", "有效期至"]
        kind = rows[0].list_type
        body = [
            [
                e.decision_number,
                e.authority_name
                or (e.department.name if e.department_id else "")
                or kind.authority_label
                or (kind.department.name if kind.department_id else ""),
                _fmt(e.decision_date),
                _fmt(e.period_start),
                _fmt(e.period_end) or "长期",
            ]
            for e in rows
        ]
        _with_dispute_column(columns, body, [e.pk in disputed for e in rows])
        section = RED if kind.color == Color.RED else BLACK
        if kind.color == Color.BLACK and kind.early_removal_allowed:
            for e in rows:
                months = kind.early_removal_after_months or 0
                since = add_months(e.period_start or e.decision_date, months)
                when = "现已可" if since <= day else f"自 {_fmt(since)} 起可"
                advice.append(
                    f"列入{kind.name}（{e.decision_number}）：{when}在纠正失信行为、"
                    "履行义务后申请提前移出。"
                )
        tables[section].append(Table(kind.name, columns, body, len(rows), kind.get_color_display()))
    return tables


def _basic(subject: Subject) -> Table:
    """The subject's base information as the portal shows it (registry and, when received,
    its current registration: subjects.queries.basic_info)."""
    rows = [[label, value] for label, value in subject_queries.basic_info(subject)]
    return Table("登记信息", ["项目", "内容"], rows, len(rows))


def _registration_label(subject: Subject) -> str:
    """存续 / 注销 / … as the report's first status label; empty when no registration is
    known (the report then says nothing it cannot know)."""
    status = subject_queries.registration_status(subject)
    return RegStatus(status).label if status else ""


EVALUATION = "信用评价"
GRADE_TABLE = "公共信用综合评价（信用本溪）"


def _platform_grade(subject: Subject, audience) -> tuple[Table | None, str]:
    """The platform's own grade (公共信用综合评价) for the public report's 信用评价, only while
    the credit office shows grades to the public (the evaluation settings' portal switch),
    and its stamp: what a stored report must still state (reports/freshness.py)."""
    if audience != facts.Audience.PUBLIC or not evaluation.portal_shows_grades():
        return None, ""
    grade = evaluation.current_grades([subject.pk]).get(subject.pk)
    if grade is None:
        return None, ""
    row = [
        grade.grade,
        grade.meaning or "",
        f"第 {grade.model_version} 版",
        _fmt(grade.valid_from),
    ]
    table = Table(GRADE_TABLE, ["评价等级", "等级含义", "评价模型", "生效日期"], [row], 1, "评价")
    return table, "|".join(row)


def grade_stamp(subject: Subject) -> str:
    """The grade a public report of `subject` would state now ("" for none)."""
    return _platform_grade(subject, facts.Audience.PUBLIC)[1]


def build(subject: Subject, audience=facts.Audience.PUBLIC, day: dt.date | None = None) -> Dossier:
    """The facts `audience` may see about `subject` on `day`, by report section."""
    from django.utils import timezone

    day = day or timezone.localdate()
    by_section: dict[str, list[Table]] = defaultdict(list)
    by_section[BASIC].append(_basic(subject))
    advice: list[str] = []
    for part in (
        _record_tables(subject, audience, day, advice),
        _entry_tables(subject, audience, day, advice),
    ):
        for title, tables in part.items():
            by_section[title].extend(tables)
    grade_table, stamp = _platform_grade(subject, audience)
    if grade_table is not None:
        by_section[EVALUATION].insert(0, grade_table)
    sections = [Section(title, by_section.get(title, [])) for title in SECTIONS]
    counts = {s.title: s.count for s in sections if s.title != BASIC}
    labels = [label] if (label := _registration_label(subject)) else []
    if by_section.get(RED) and any(t.category == "红名单" for t in by_section[RED]):
        labels.append("守信激励对象")
    if by_section.get(BLACK):
        labels.append("失信惩戒对象")
    return Dossier(
        subject_id=subject.pk,
        name=subject.name,
        uscc=subject.uscc or "",
        kind=KIND_NAMES.get(subject.kind, subject.kind),
        legal_rep=subject.legal_rep or "",
        day=day,
        sections=sections,
        labels=labels,
        counts=counts,
        advice=advice,
        grade_stamp=stamp,
    )
