"""The draw's arithmetic and its reproducibility, without a database: the rounding rule per
stratum, the same seed giving the same subjects whatever order the population came in,
another seed giving others."""

from __future__ import annotations

import random
from decimal import Decimal

from credit.supervision.sampling import DEFAULT_RATIOS, STRATA, draw, percent, quota


def _population(sizes: dict[str, int]) -> dict[str, str]:
    return {f"P{stratum}{n:05d}": stratum for stratum, size in sizes.items() for n in range(size)}


def test_quota_is_the_ceiling_of_exact_decimals_and_at_least_one():
    assert quota(0, Decimal("0.4")) == 0
    assert quota(5, Decimal("0")) == 0
    assert quota(1, Decimal("0.05")) == 1
    assert quota(19, Decimal("0.05")) == 1
    assert quota(20, Decimal("0.05")) == 1
    assert quota(21, Decimal("0.05")) == 2
    # 0.1 × 30 in binary floating point is 3.0000000000000004: ceil would give 4.
    assert quota(30, Decimal("0.1")) == 3
    assert quota(7, Decimal("1")) == 7
    assert quota(3, Decimal("0.3333")) == 1


def test_counts_per_stratum_follow_the_rule():
    sizes = {"A": 41, "B": 30, "C": 7, "D": 3, "none": 0}
    results = draw(_population(sizes), DEFAULT_RATIOS, "20260315")
    got = {r.stratum: (r.population, len(r.drawn)) for r in results}
    assert got == {"A": (41, 3), "B": (30, 3), "C": (7, 2), "D": (3, 2), "none": (0, 0)}
    for r in results:
        assert len(set(r.drawn)) == len(r.drawn)
        assert all(key.startswith(f"P{r.stratum}") for key in r.drawn)


def test_same_seed_same_draw_whatever_the_population_order():
    population = _population({"A": 200, "B": 150, "C": 60, "D": 25, "none": 40})
    items = list(population.items())
    random.Random(1).shuffle(items)
    first = draw(population, DEFAULT_RATIOS, "seed-1")
    again = draw(dict(items), DEFAULT_RATIOS, "seed-1")
    assert [r.drawn for r in first] == [r.drawn for r in again]


def test_another_seed_draws_other_subjects_with_the_same_counts():
    population = _population({"A": 200, "B": 150, "C": 60, "D": 25, "none": 40})
    one = draw(population, DEFAULT_RATIOS, "111")
    two = draw(population, DEFAULT_RATIOS, "222")
    assert [len(r.drawn) for r in one] == [len(r.drawn) for r in two]
    assert [r.drawn for r in one] != [r.drawn for r in two]


def test_a_stratum_draws_independently_of_the_others():
    base = _population({"A": 50, "D": 25})
    more = {**base, **_population({"A": 300})}
    d_base = next(r for r in draw(base, DEFAULT_RATIOS, "7") if r.stratum == "D")
    d_more = next(r for r in draw(more, DEFAULT_RATIOS, "7") if r.stratum == "D")
    assert d_base.drawn == d_more.drawn


def test_the_known_draw_of_a_stated_seed_does_not_change():
    """A draw done today must come out the same next year: pinned result of one seed."""
    population = _population({"A": 10, "B": 10, "C": 10, "D": 10, "none": 10})
    results = draw(population, DEFAULT_RATIOS, "20260315")
    assert [sorted(r.drawn) for r in results] == PINNED


PINNED = [
    ["PA00008"],
    ["PB00006"],
    ["PC00002", "PC00005"],
    ["PD00001", "PD00002", "PD00007", "PD00009"],
    ["Pnone00003"],
]


def test_strata_and_percent_labels():
    assert STRATA == ("A", "B", "C", "D", "none")
    assert percent(Decimal("0.05")) == "5%"
    assert percent(Decimal("0.1000")) == "10%"
    assert percent(Decimal("0.125")) == "12.5%"
    assert percent(Decimal("1")) == "100%"
