"""The grades a draw stratifies by, read from the public credit evaluation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from credit.evaluation.queries import current_grades
from credit.supervision.models import Stratum

GRADES = frozenset({Stratum.A, Stratum.B, Stratum.C, Stratum.D})


@dataclass(frozen=True)
class Graded:
    """What a draw keeps of a subject's grade at draw time."""

    stratum: str
    score: Decimal | None = None
    valid_from: date | None = None
    model_version: str = ""
    reasons: tuple[str, ...] = ()


UNGRADED = Graded(Stratum.NONE, reasons=("未评价：该主体暂无公共信用综合评价结果",))


def _read(subject_ids: list[int] | None) -> dict:
    return current_grades(subject_ids)


def _reasons(info) -> tuple[str, ...]:
    """The grade's reasons in words; a grade no rule moved says so, with its meaning."""
    reasons = [str(r) for r in (getattr(info, "reasons", None) or ())]
    meaning = getattr(info, "meaning", "")
    if not reasons:
        reasons.append("评价期内无加分或减分事项，按基础分评定")
    if meaning:
        reasons.insert(0, f"{info.grade} 级：{meaning}")
    if getattr(info, "unregistered", False):
        reasons.append("无登记注册信息")
    return tuple(reasons)


def grades_of(subject_ids: Iterable[int] | None) -> dict[int, Graded]:
    """Current grade of each subject of `subject_ids` (None: every graded subject); a
    subject without one is absent (the caller puts it in the 未评价 stratum)."""
    wanted = None if subject_ids is None else sorted(set(subject_ids))
    out = {}
    for subject_id, info in _read(wanted).items():
        grade = str(getattr(info, "grade", "") or "")
        if grade not in GRADES:
            continue
        score = getattr(info, "score", None)
        out[subject_id] = Graded(
            stratum=grade,
            score=None if score is None else Decimal(str(score)),
            valid_from=getattr(info, "valid_from", None),
            model_version=str(getattr(info, "model_version", "") or ""),
            reasons=_reasons(info),
        )
    return out
