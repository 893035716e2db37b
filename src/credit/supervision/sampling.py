"""The 双随机 draw itself: stratified by grade, reproducible from a stated seed.

Reproducibility rests on three things, each stated here so an inspector can redo a draw:

1. The population of each stratum is sorted by the subjects' public identifiers before
   anything is drawn, so the database's row order (which differs between SQLite and
   PostgreSQL, and between two runs of one query) never matters.
2. Each stratum draws with its own generator, `random.Random("<seed>/<stratum>")`
   (Python's Mersenne Twister; a text seed is hashed with SHA-512), so adding subjects of
   grade A does not change which grade-D subjects are drawn.
3. The number drawn per stratum is the rounding rule below, applied to exact decimals
   (0.1 × 30 is 3, not 3.0000000000000004 rounded up to 4).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from credit.supervision.models import Stratum

STRATA: tuple[str, ...] = tuple(Stratum.values)
DEFAULT_RATIOS: dict[str, Decimal] = {
    Stratum.A: Decimal("0.05"),
    Stratum.B: Decimal("0.10"),
    Stratum.C: Decimal("0.20"),
    Stratum.D: Decimal("0.40"),
    # Not graded: checked as often as an ordinary (B) subject until it has a grade.
    Stratum.NONE: Decimal("0.10"),
}
ROUNDING_RULE = (
    "每个等级抽取数 = 向上取整（该等级主体数 × 抽查比例）；比例大于 0 且该等级有主体时至少抽 1 户"
)
SEED_MAX_LENGTH = 40


def quota(size: int, ratio: Decimal) -> int:
    """How many of `size` subjects a stratum with `ratio` draws: ceil(size × ratio), which
    is at least one whenever the stratum is not empty and the ratio above zero."""
    if size <= 0 or ratio <= 0:
        return 0
    return min(size, int((Decimal(size) * ratio).to_integral_value(rounding=ROUND_CEILING)))


def new_seed() -> str:
    """A seed to offer: twelve random digits (shown on the form, stored with the draw)."""
    return str(secrets.randbelow(10**12)).zfill(12)


@dataclass(frozen=True)
class StratumResult:
    stratum: str
    population: int
    ratio: Decimal
    drawn: tuple[str, ...]  # keys, in draw order


def draw(
    population: Mapping[str, str], ratios: Mapping[str, Decimal], seed: str
) -> list[StratumResult]:
    """Draw from `population` (subject key → stratum) with `ratios` (stratum → 0…1) and
    `seed`; one result per stratum, in the order A, B, C, D, 未评价."""
    buckets: dict[str, list[str]] = {stratum: [] for stratum in STRATA}
    for key, stratum in population.items():
        buckets[stratum].append(key)
    results = []
    for stratum in STRATA:
        members = sorted(buckets[stratum])
        ratio = Decimal(ratios.get(stratum, 0))
        count = quota(len(members), ratio)
        rng = random.Random(f"{seed}/{stratum}")
        results.append(
            StratumResult(stratum, len(members), ratio, tuple(rng.sample(members, count)))
        )
    return results


def expected_total(sizes: Mapping[str, int], ratios: Mapping[str, Decimal]) -> int:
    return sum(quota(sizes.get(s, 0), Decimal(ratios.get(s, 0))) for s in STRATA)


def percent(ratio: Decimal) -> str:
    """0.05 → "5%", 0.125 → "12.5%"."""
    return f"{(Decimal(ratio) * 100).normalize():f}%"
