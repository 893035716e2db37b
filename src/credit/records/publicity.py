"""From when to when a record is public (domain.md §4), computed and stored on the record.

`compute_window` is the whole rule and a pure function: it reads the record's decision
date, severity, publish_minor flag and a few `data` fields, the dataset version's open
attribute and publicity rule, and the rule table. Periods are whole months counted from
the decision date; the last public day is the same day of the month that many months
later, or that month's last day when it has none (民法典 第二百零一、二百零二条), and the
window includes it. A NULL end means "no end" (a licence valid until 2099/12/31).

The stored columns exist so that pages can filter with an index; the window state itself
(`state_on`, and `window_is` for queries) is defined once in `records.exposure`, whose
reader rules still check the dates, so a stale state column cannot publish an ended record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection
from django.db.models.fields.json import KT
from django.utils import timezone

from credit.catalog.attributes import Publicity, publicity_of
from credit.catalog.models import DatasetVersion, OpenAttr
from credit.core.actors import Actor
from credit.core.periods import add_months
from credit.facts import RECORD, transitions
from credit.records.exposure import stored_state
from credit.records.models import (
    PublicityRule,
    Record,
    RecordVisibilityChange,
    RulePublish,
    Severity,
)

PENALTY = "penalty_severity"
LICENCE = "licence_validity"
# Generic rules, named by what they do; a definition says which fields give the dates.
VALID_UNTIL = "valid_until"  # from a date field (default: decision date) until a date field
FIXED_TERM = "fixed_term"  # from a date field for the rule row's max_months
LONG_TERM = dt.date(2099, 12, 31)
DEFAULT_SEVERITY = Severity.GENERAL  # domain.md §3.1: the platform column defaults to 一般

CHUNK = 2000
BATCH_REASON = "数据更新后重新计算公示期"

Window = tuple[dt.date | None, dt.date | None, str]


@dataclass(frozen=True)
class Rule:
    publish: str
    min_months: int | None = None
    max_months: int | None = None


@dataclass(frozen=True)
class Rules:
    """Active rule rows by rule key, then by (severity, penalty type)."""

    rows: dict[str, dict[tuple[str, str], Rule]] = field(default_factory=dict)

    def get(self, key: str, severity: str = "", penalty_type: str = "") -> Rule | None:
        return self.rows.get(key, {}).get((severity, penalty_type))

    def type_rules(self, key: str, types: Iterable[str]) -> list[Rule]:
        table = self.rows.get(key, {})
        return [r for t in types if (r := table.get(("", t))) and r.publish != RulePublish.NO]


def load_rules() -> Rules:
    rows: dict[str, dict[tuple[str, str], Rule]] = {}
    for r in PublicityRule.objects.filter(active=True):
        rows.setdefault(r.rule_key, {})[(r.severity, r.penalty_type)] = Rule(
            r.publish, r.min_months, r.max_months
        )
    return Rules(rows)


def penalty_types(data: dict, types_field: str) -> list[str]:
    """The penalty types of a record, read from the field its publicity attribute names."""
    if not types_field:
        return []
    raw = (data or {}).get(types_field) or ""
    return [t.strip() for t in str(raw).replace("；", ";").split(";") if t.strip()]


def parse_iso(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        return None


def _penalty_rules(record, rules: Rules, spec: Publicity) -> list[Rule] | None:
    """The rows that apply to a published penalty, or None when it is not published."""
    severity = record.severity or DEFAULT_SEVERITY
    base = rules.get(PENALTY, severity)
    if base is None or base.publish == RulePublish.NO:
        return None
    if base.publish == RulePublish.IF_MARKED and not getattr(record, "publish_minor", False):
        return None
    # A per-type row lengthens a published decision's window; it never publishes by itself.
    types = penalty_types(record.data, spec.types_field)
    return [base, *rules.type_rules(PENALTY, types)]


def _penalty_dates(record, rules: Rules, spec: Publicity) -> tuple[dt.date, dt.date] | None:
    applicable = _penalty_rules(record, rules, spec)
    if applicable is None:
        return None
    longest = max((r.max_months for r in applicable if r.max_months), default=None)
    if longest is None:  # a penalty is never published without an end
        return None
    return record.decision_date, add_months(record.decision_date, longest)


def _start(record, spec: Publicity) -> dt.date | None:
    if spec.from_field:
        start = parse_iso((record.data or {}).get(spec.from_field))
        if start is not None:
            return start
    return record.decision_date


def _licence_dates(record, rules: Rules, spec: Publicity):
    rule = rules.get(LICENCE)
    if rule is None or rule.publish == RulePublish.NO:
        return None
    data = record.data or {}
    if spec.status_field and str(data.get(spec.status_field) or "").strip() != spec.status_value:
        return None
    until = parse_iso(data.get(spec.until_field))
    if until is None:
        return None
    return record.decision_date, None if until >= LONG_TERM else until


def _valid_until_dates(record, rules: Rules, spec: Publicity):
    """Public from the start date while valid; an empty end date means no end (长期)."""
    rule = rules.get(VALID_UNTIL)
    if rule is None or rule.publish == RulePublish.NO:
        return None
    data = record.data or {}
    if spec.status_field and str(data.get(spec.status_field) or "").strip() != spec.status_value:
        return None
    start = _start(record, spec)
    if start is None:
        return None
    until = parse_iso(data.get(spec.until_field))
    return start, None if until is None or until >= LONG_TERM else until


def _fixed_term_dates(record, rules: Rules, spec: Publicity):
    rule = rules.get(FIXED_TERM)
    if rule is None or rule.publish == RulePublish.NO or not rule.max_months:
        return None
    start = _start(record, spec)
    return None if start is None else (start, add_months(start, rule.max_months))


def spec_of(version) -> Publicity:
    """The publicity attribute of a dataset version (legacy versions: their rule key)."""
    definition = getattr(version, "definition", None) or {}
    if "publicity" in definition:
        return publicity_of(definition)
    return publicity_of({"publicity_rule": version.publicity_rule})


def compute_window(record_like, version, rules: Rules, today: dt.date) -> Window:
    """(public_from, public_until, visibility) of a record on `today`.

    `record_like` needs decision_date, severity, data and optionally publish_minor and
    withdrawn_at; `version` needs open_attr and publicity_rule. A withdrawn record keeps
    its computed dates (for the archive) but stays withdrawn.
    """
    dates = None
    if version.open_attr == OpenAttr.PUBLIC:
        spec = spec_of(version)
        if spec.rule == PENALTY:
            dates = _penalty_dates(record_like, rules, spec)
        elif spec.rule == LICENCE:
            dates = _licence_dates(record_like, rules, spec)
        elif spec.rule == VALID_UNTIL:
            dates = _valid_until_dates(record_like, rules, spec)
        elif spec.rule == FIXED_TERM:
            dates = _fixed_term_dates(record_like, rules, spec)
    public_from, public_until = dates or (None, None)
    withdrawn = bool(getattr(record_like, "withdrawn_at", None))
    repaired = bool(getattr(record_like, "repaired_at", None))
    return (
        public_from,
        public_until,
        stored_state(public_from, public_until, withdrawn, today, repaired),
    )


def minimum_period_end(record_like, version, rules: Rules) -> dt.date | None:
    """Last day of the minimum publicity period; credit repair may be sought after it.

    None when the record is not a published penalty. A minor penalty has no minimum: its
    period ends on the decision date.
    """
    if version.publicity_rule != PENALTY:
        return None
    applicable = _penalty_rules(record_like, rules, spec_of(version))
    if applicable is None:
        return None
    longest = max((r.min_months or 0 for r in applicable), default=0)
    return add_months(record_like.decision_date, longest)


def repair_allowed(record_like, version, rules: Rules, today: dt.date) -> bool:
    end = minimum_period_end(record_like, version, rules)
    return end is not None and today > end


class RowWindows:
    """Windows of new rows of one batch, computed while the rows stream in.

    Rules and the dataset version are read once; answers are memoised by the inputs the
    rule reads (decision date, severity, penalty types and the fields the version's
    publicity attribute names), which many rows share. A new record is neither withdrawn
    nor marked publish_minor.
    """

    LIMIT = 50_000

    def __init__(self, version, rules: Rules | None = None, today: dt.date | None = None):
        self.version = version
        self.rules = rules if rules is not None else load_rules()
        self.today = today or timezone.localdate()
        self._memo: dict[tuple, Window] = {}
        self._keys = spec_of(version).data_keys

    def __call__(self, decision_date: dt.date, severity: str, data: dict) -> Window:
        read = tuple(data.get(k) for k in self._keys)
        key = (decision_date, severity, read)
        window = self._memo.get(key)
        if window is None:
            record_like = SimpleNamespace(
                decision_date=decision_date,
                severity=severity,
                data=dict(zip(self._keys, read, strict=True)),
            )
            public_from, public_until, state = compute_window(
                record_like, self.version, self.rules, self.today
            )
            window = (public_from, public_until, str(state))
            if len(self._memo) >= self.LIMIT:
                self._memo.clear()
            self._memo[key] = window
        return window


# --- storing windows -------------------------------------------------------------------


def refresh_for_batch(batch, today: dt.date | None = None) -> int:
    """Compute and store the window of every record the batch wrote; returns rows changed.

    The import pipeline no longer calls it (windows are computed while staging, see
    `RowWindows` and `records.upsert`); it stays for repairs of a batch's windows. Records
    the batch created get their first state without a history row (the batch is their
    provenance); records it updated get one when their state changed.
    """
    return refresh_records(
        Record.objects.filter(batch=batch),
        today,
        job_id=f"batch:{batch.public_id}",
        reason=BATCH_REASON,
        new_batch_id=batch.id,
    )


def refresh_records(
    queryset,
    today: dt.date | None = None,
    *,
    job_id: str = "",
    reason: str = "重新计算公示期",
    actor_label: str = "系统",
    new_batch_id: int | None = None,
    actor: Actor | None = None,
) -> int:
    """Recompute and store windows for the records of `queryset`, in chunks.

    Rows are read as a few columns (never whole JSON documents), results are memoised by
    their inputs (many rows share severity, types and dates), and only changed rows are
    written, with one UPDATE … FROM (VALUES …) per chunk. Each chunk is a transition of
    the records' state (windows, history rows); the run writes one outbox event naming the
    subjects whose records changed, or joins the batch of events of the import or job it
    runs in.
    """
    today = today or timezone.localdate()
    actor = actor or Actor.system(actor_label, request_id=job_id)
    rules = load_rules()
    versions: dict[int, DatasetVersion] = {}
    memo: dict[tuple, Window] = {}
    now = timezone.now()
    pending: list[tuple] = []
    subjects: set[int] = set()
    history: list[RecordVisibilityChange] = []
    changed = 0
    keys = _window_keys()
    rows = queryset.values_list(
        "id",
        "dataset_version_id",
        "decision_date",
        "severity",
        "publish_minor",
        "withdrawn_at",
        "repaired_at",
        "visibility",
        "public_from",
        "public_until",
        "created_batch_id",
        "subject_id",
        *(KT(f"data__{key}") for key in keys),
    ).order_by()

    def flush() -> None:
        if not pending:
            return
        chunk, chunk_history = list(pending), list(history)
        transitions.apply(
            actor,
            RECORD,
            transitions.Action.CHANGED,
            fact_ids=[row[0] for row in chunk],
            subject_ids=subjects,
            request_id=job_id,
            state=lambda: _write_windows(chunk),
            history=lambda: RecordVisibilityChange.objects.bulk_create(chunk_history),
        )
        pending.clear()
        history.clear()
        subjects.clear()

    with transitions.batch(actor, job_id, request_id=job_id, name_facts=False):
        for row in rows.iterator(chunk_size=CHUNK):
            (rid, version_id, decided, severity, minor, withdrawn, repaired) = row[:7]
            old_vis, old_from, old_until = row[7:10]
            created_batch_id, subject_id, read = row[10], row[11], row[12:]
            key = (version_id, decided, severity, minor, bool(withdrawn), bool(repaired), read)
            window = memo.get(key)
            if window is None:
                version = versions.get(version_id)
                if version is None:
                    version = versions[version_id] = DatasetVersion.objects.get(pk=version_id)
                record_like = SimpleNamespace(
                    decision_date=decided,
                    severity=severity,
                    publish_minor=minor,
                    withdrawn_at=withdrawn,
                    repaired_at=repaired,
                    data=dict(zip(keys, read, strict=True)),
                )
                window = memo[key] = compute_window(record_like, version, rules, today)
            if window == (old_from, old_until, old_vis):
                continue
            changed += 1
            pending.append((rid, *window))
            if subject_id is not None:
                subjects.add(subject_id)
            if window[2] != old_vis and created_batch_id != new_batch_id:
                history.append(
                    RecordVisibilityChange(
                        record_id=rid,
                        from_state=old_vis,
                        to_state=window[2],
                        at=now,
                        reason=reason,
                        actor_label=actor.label,
                        job_id=job_id,
                    )
                )
            if len(pending) >= CHUNK:
                flush()
        flush()
    return changed


def _window_keys() -> tuple[str, ...]:
    """Every `data` key any version's rule reads: a few columns, never whole documents."""
    keys: set[str] = set()
    for version in DatasetVersion.objects.only("definition", "publicity_rule"):
        keys.update(spec_of(version).data_keys)
    return tuple(sorted(keys))


def _write_windows(rows: list[tuple]) -> None:
    if not rows:
        return
    table = Record._meta.db_table
    day = "%s::date" if connection.vendor == "postgresql" else "%s"
    values = ", ".join([f"(%s, {day}, {day}, %s)"] * len(rows))
    params: list = []
    for rid, public_from, public_until, visibility in rows:
        params += [rid, _iso(public_from), _iso(public_until), str(visibility)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH w(id, f, u, vis) AS (VALUES {values}) "
            f"UPDATE {table} SET public_from = w.f, public_until = w.u, visibility = w.vis "
            f"FROM w WHERE {table}.id = w.id",
            params,
        )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
