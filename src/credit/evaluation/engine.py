"""The evaluation engine: grades a set of subjects with the current published model.

Set-based: each rule is one aggregate query over the facts the government-sharing
audience sees (the kernel's `facts.readable`), grouped by subject, over a range of subject
ids (a chunk); the chunk's grades are then written in bulk. No query per subject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Aggregate, Count, Q, TextField

from credit import facts
from credit.evaluation import disputes
from credit.evaluation.models import DisputedFacts, EvaluationModel, Rule, RuleSource
from credit.facts import Audience
from credit.subjects.models import RegStatus, Subject, SubjectKind, SubjectRegistration

GRADED_KINDS = (SubjectKind.ORGANIZATION, SubjectKind.SOLE_TRADER)
# No registration data yet (reg_status empty): graded, and flagged as such.
GRADED_STATUSES = (RegStatus.ACTIVE, "")
# Fact ids kept per rule and subject for the explanation.
MAX_FACT_IDS = 50


class IdList(Aggregate):
    """The grouped ids as one comma-separated text (GROUP_CONCAT / STRING_AGG)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra,
        )


def graded_condition(prefix: str = "") -> Q:
    """Subjects that are graded: organisations and sole traders, 存续 or without
    registration data, not merged into another subject."""
    return Q(
        **{
            f"{prefix}kind__in": GRADED_KINDS,
            f"{prefix}reg_status__in": GRADED_STATUSES,
            f"{prefix}merged_into__isnull": True,
        }
    )


@dataclass
class RuleScore:
    points: Decimal
    facts: list[list] = field(default_factory=list)


@dataclass
class Scored:
    subject_id: int
    unregistered: bool
    score: Decimal
    grade: str
    details: dict[str, list]


@dataclass
class LoadedModel:
    """A published model read once: its rules in order, caps per indicator, bands."""

    model: EvaluationModel
    rules: list[Rule]
    indicator_caps: dict[int, tuple[Decimal | None, Decimal | None]]
    bands: list[tuple[Decimal, str]]

    @classmethod
    def of(cls, model: EvaluationModel) -> LoadedModel:
        rules = list(
            Rule.objects.filter(indicator__dimension__model=model).select_related(
                "indicator__dimension"
            )
        )
        caps = {r.indicator_id: (r.indicator.min_score, r.indicator.max_score) for r in rules}
        bands = sorted(((b.min_score, b.grade) for b in model.bands.all()), reverse=True)
        return cls(model, rules, caps, bands)

    def grade_of(self, score: Decimal) -> str:
        for min_score, grade in self.bands:
            if score >= min_score:
                return grade
        return self.bands[-1][1] if self.bands else ""


def _clamp(value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    if low is not None and value < low:
        return low
    if high is not None and value > high:
        return high
    return value


def _rule_total(rule: Rule, units: int) -> Decimal:
    total = rule.points * units
    if rule.cap is not None:
        total = _clamp(total, -abs(rule.cap), abs(rule.cap))
    return total


def _dispute_filter(model: EvaluationModel, kind: str) -> Q | None:
    if model.disputed_facts != DisputedFacts.IGNORE:
        return None
    return disputes.not_disputed(kind)


def _fact_query(rule: Rule, model: EvaluationModel, day: dt.date, scope: Q):
    """The facts a rule counts, as (kind name, queryset), or None when the rule reads no
    facts (registration age) or its dataset is not loaded (it then scores nothing)."""
    if rule.source == RuleSource.DATASET:
        kind = facts.RECORD
        qs = facts.readable(kind, Audience.SHARING, day).filter(dataset__code=rule.dataset_code)
        if rule.severities:
            qs = qs.filter(severity__in=rule.severities)
        for code, wanted in (rule.field_conditions or {}).items():
            if isinstance(wanted, list):
                qs = qs.filter(**{f"data__{code}__in": wanted})
            else:
                qs = qs.filter(**{f"data__{code}": wanted})
        if rule.window_years:
            qs = qs.filter(decision_date__gte=_years_before(day, rule.window_years))
    elif rule.source == RuleSource.LIST:
        kind = facts.LIST_ENTRY
        qs = facts.readable(kind, Audience.SHARING, day)
        if rule.list_codes:
            qs = qs.filter(list_type__code__in=rule.list_codes)
        if rule.list_color:
            qs = qs.filter(list_type__color=rule.list_color)
        if rule.exclude_list_codes:
            qs = qs.exclude(list_type__code__in=rule.exclude_list_codes)
        if rule.window_years:
            qs = qs.filter(period_start__gte=_years_before(day, rule.window_years))
    else:
        return None
    undisputed = _dispute_filter(model, kind)
    if undisputed is not None:
        qs = qs.filter(undisputed)
    return kind, qs.filter(scope)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _full_years(start: dt.date, day: dt.date) -> int:
    years = day.year - start.year - ((day.month, day.day) < (start.month, start.day))
    return max(years, 0)


def _rule_scores(
    loaded: LoadedModel, day: dt.date, scope: Q, subject_scope: Q
) -> dict[int, dict[str, RuleScore]]:
    """Per subject, the rules that scored: one aggregate query per rule."""
    scores: dict[int, dict[str, RuleScore]] = {}
    for rule in loaded.rules:
        if rule.source == RuleSource.REGISTRATION_AGE:
            rows = (
                SubjectRegistration.objects.filter(
                    subject_scope, superseded_at__isnull=True, established_on__isnull=False
                )
                .values_list("subject_id", "established_on")
                .iterator(chunk_size=5000)
            )
            for subject_id, established in rows:
                points = _rule_total(rule, _full_years(established, day))
                if points:
                    scores.setdefault(subject_id, {})[str(rule.pk)] = RuleScore(points)
            continue
        found = _fact_query(rule, loaded.model, day, scope)
        if found is None:
            continue
        kind, qs = found
        rows = (
            qs.order_by()
            .values("subject_id")
            .annotate(n=Count("id"), ids=IdList("id"))
            .values_list("subject_id", "n", "ids")
        )
        for subject_id, n, ids in rows.iterator(chunk_size=5000):
            points = _rule_total(rule, n)
            if not points:
                continue
            fact_ids = sorted(int(i) for i in (ids or "").split(",") if i)[:MAX_FACT_IDS]
            scores.setdefault(subject_id, {})[str(rule.pk)] = RuleScore(
                points, [[kind, i] for i in fact_ids]
            )
    return scores


def score_chunk(
    loaded: LoadedModel, day: dt.date, *, id_range: tuple[int, int] | None = None, ids=None
) -> Iterator[Scored]:
    """Grades for the graded subjects with ids in `id_range` (inclusive) or among `ids`."""
    if ids is not None:
        subject_scope = Q(subject_id__in=ids)
        own = Q(pk__in=ids)
    else:
        low, high = id_range
        subject_scope = Q(subject_id__gte=low, subject_id__lte=high)
        own = Q(pk__gte=low, pk__lte=high)
    scope = subject_scope & graded_condition("subject__")
    per_subject = _rule_scores(loaded, day, scope, subject_scope & graded_condition("subject__"))
    rule_indicator = {str(r.pk): r.indicator_id for r in loaded.rules}
    base = loaded.model.base_score
    subjects = (
        Subject.objects.filter(own & graded_condition())
        .order_by()
        .values_list("pk", "reg_status")
        .iterator(chunk_size=5000)
    )
    for subject_id, reg_status in subjects:
        rules = per_subject.get(subject_id, {})
        by_indicator: dict[int, Decimal] = {}
        for rule_id, scored in rules.items():
            indicator = rule_indicator[rule_id]
            by_indicator[indicator] = by_indicator.get(indicator, Decimal(0)) + scored.points
        score = base + sum(
            (_clamp(total, *loaded.indicator_caps[i]) for i, total in by_indicator.items()),
            Decimal(0),
        )
        yield Scored(
            subject_id=subject_id,
            unregistered=reg_status == "",
            score=score,
            grade=loaded.grade_of(score),
            details={k: [str(v.points), v.facts] for k, v in sorted(rules.items())},
        )


def id_ranges(step: int) -> Iterable[tuple[int, int]]:
    """Ranges of subject ids covering every graded subject, `step` ids each."""
    bounds = Subject.objects.filter(graded_condition()).order_by("pk")
    first = bounds.values_list("pk", flat=True).first()
    last = bounds.reverse().values_list("pk", flat=True).first()
    if first is None:
        return
    low = first
    while low <= last:
        yield low, low + step - 1
        low += step
