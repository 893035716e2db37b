"""Reads of grades: the current grade of subjects, its explanation, its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from credit.evaluation.models import EvaluationModel, EvaluationSettings, Grade, GradeBand, Rule

KIND_LABELS = {"record": "信用记录", "list_entry": "名单条目"}


@dataclass(frozen=True)
class GradeInfo:
    grade: str
    score: Decimal
    valid_from: dt.date
    model_version: int
    reasons: list[str] = field(default_factory=list)
    meaning: str = ""
    unregistered: bool = False


def _rules_of(model_ids: Iterable[int]) -> dict[int, Rule]:
    return {
        r.pk: r
        for r in Rule.objects.filter(indicator__dimension__model_id__in=set(model_ids))
        .select_related("indicator__dimension")
        .order_by()
    }


def _meanings(model_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    return {
        (b.model_id, b.grade): b.meaning for b in GradeBand.objects.filter(model_id__in=model_ids)
    }


def _reason(rule: Rule, points: str, facts: list) -> str:
    value = Decimal(points)
    sign = "+" if value > 0 else ""
    if facts:
        return f"{rule.name}：{len(facts)} 项，{sign}{value.normalize():f} 分"
    return f"{rule.name}：{sign}{value.normalize():f} 分"


def _ordered(details: dict, rules: dict[int, Rule]) -> list[tuple[Rule, str, list]]:
    found = [(rules[int(k)], v[0], v[1]) for k, v in details.items() if int(k) in rules]
    return sorted(
        found,
        key=lambda t: (
            t[0].indicator.dimension.position,
            t[0].indicator.position,
            t[0].position,
        ),
    )


def current_grades(subject_ids: Iterable[int] | None = None) -> dict[int, GradeInfo]:
    """The current grade of each graded subject among `subject_ids` (all when None)."""
    rows = Grade.objects.filter(is_current=True).select_related("model")
    if subject_ids is not None:
        rows = rows.filter(subject_id__in={int(getattr(i, "pk", i)) for i in subject_ids})
    rows = list(rows)
    model_ids = {g.model_id for g in rows}
    rules = _rules_of(model_ids)
    meanings = _meanings(model_ids)
    return {
        g.subject_id: GradeInfo(
            grade=g.grade,
            score=g.score,
            valid_from=g.valid_from,
            model_version=g.model.version,
            reasons=[_reason(r, p, f) for r, p, f in _ordered(g.details, rules)],
            meaning=meanings.get((g.model_id, g.grade), ""),
            unregistered=g.unregistered,
        )
        for g in rows
    }


def current_grade(subject_id: int) -> Grade | None:
    return (
        Grade.objects.filter(subject_id=subject_id, is_current=True).select_related("model").first()
    )


def history(subject_id: int) -> list[Grade]:
    return list(
        Grade.objects.filter(subject_id=subject_id)
        .select_related("model")
        .order_by("-computed_at", "-id")
    )


def explain(grade: Grade) -> list[dict]:
    """Per dimension and indicator of the grade's model: the score, the rules and the
    facts behind them (kind and id, which pages link). Indicators that scored nothing are
    listed with 0 so the reader sees the whole model."""
    model: EvaluationModel = grade.model
    rules = _rules_of([model.pk])
    out: list[dict] = []
    for dimension in model.dimensions.all():
        indicators = []
        for indicator in dimension.indicators.all():
            scored = []
            total = Decimal(0)
            for rule in indicator.rules.all():
                entry = grade.details.get(str(rule.pk))
                points = Decimal(entry[0]) if entry else Decimal(0)
                total += points
                scored.append(
                    {
                        "rule": rule.name,
                        "description": rule.description,
                        "score": points,
                        "facts": [
                            {"kind": kind, "kind_label": KIND_LABELS.get(kind, kind), "id": fact_id}
                            for kind, fact_id in (entry[1] if entry else [])
                        ],
                    }
                )
            low, high = indicator.min_score, indicator.max_score
            if low is not None and total < low:
                total = low
            if high is not None and total > high:
                total = high
            indicators.append({"indicator": indicator.name, "score": total, "rules": scored})
        out.append({"dimension": dimension.name, "indicators": indicators})
    del rules
    return out


def portal_shows_grades() -> bool:
    settings = EvaluationSettings.objects.first()
    return bool(settings and settings.show_on_portal)
