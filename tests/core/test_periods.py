"""core.periods: the one month arithmetic of list periods (console and import alike)."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.core import periods

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        # The example: three years from 2026-12-05 end on 2029-12-04.
        (D(2026, 12, 5), 36, D(2029, 12, 4)),
        (D(2025, 10, 13), 36, D(2028, 10, 12)),
        (D(2024, 3, 1), 1, D(2024, 3, 31)),
        (D(2025, 3, 1), 12, D(2026, 2, 28)),
        (D(2023, 3, 1), 12, D(2024, 2, 29)),  # the year ends before a leap day's next day
        (D(2026, 1, 1), 12, D(2026, 12, 31)),
        (D(2026, 12, 31), 1, D(2027, 1, 30)),
        # Month ends: no corresponding day in the last month → the period runs to its end.
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 28)),  # 2028-02-29 exists: the day before it
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2024, 1, 29), 1, D(2024, 2, 28)),
        (D(2024, 3, 31), 1, D(2024, 4, 30)),
        (D(2024, 3, 30), 1, D(2024, 4, 29)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
    ],
)
def test_period_end_includes_the_start_day(start, months, end):
    assert periods.period_end(start, months) == end
    assert periods.period_end_or_none(start, months) == end


@pytest.mark.parametrize("months", [1, 3, 6, 11, 12, 13, 24, 36, 60])
def test_period_end_is_never_earlier_for_a_later_start(months):
    """Consecutive start days never give an earlier end, and no period runs past the same
    day N months later."""
    day = D(2023, 1, 1)
    previous = None
    while day < D(2025, 1, 1):
        end = periods.period_end(day, months)
        assert day < end <= periods.add_months(day, months)
        if previous is not None:
            assert end >= previous
        previous = end
        day += periods.ONE_DAY


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 3, 15), 36, D(2027, 3, 15)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 12, 15), 0, D(2024, 12, 15)),
    ],
)
def test_add_months_clips_to_the_month_end(day, months, result):
    assert periods.add_months(day, months) == result


def test_open_ended_and_invalid_periods():
    assert periods.period_end_or_none(D(2025, 1, 1), None) is None
    with pytest.raises(ValueError):
        periods.period_end(D(2025, 1, 1), 0)


def test_publicity_uses_the_core_add_months():
    from credit.records import publicity

    assert publicity.add_months is periods.add_months
