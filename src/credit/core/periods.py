"""Calendar-month arithmetic shared by every period on the platform (lists, publicity).

Two questions, two functions:

- `add_months(day, n)`: the same day n months later, or that month's last day when it has
  no such day (2024-01-31 + 1 month = 2024-02-29). Used for "on or after N months"
  (publicity windows, 列入满 N 个月).
- `period_end(start, n)`: the last day of a period of n months that *includes* its start
  day, as decisions write it: "自 2026年12月5日 至 2029年12月4日" for three years. It is the day
  before the corresponding day n months later; when that month has no corresponding day
  (the period started on the 29th–31st), the period runs to that month's end, so
  one month from 2024-01-31 ends 2024-02-29 and one year from 2024-02-29 ends 2025-02-28.

The console and the import path both compute list periods here, so an entry gets the same
end date whichever way it reached the platform.
"""

from __future__ import annotations

import calendar
import datetime as dt

ONE_DAY = dt.timedelta(days=1)


def _shift(day: dt.date, months: int) -> tuple[int, int]:
    index = day.month - 1 + months
    return day.year + index // 12, index % 12 + 1


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    year, month = _shift(day, months)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: dt.date, months: int) -> dt.date:
    """Last day of a period of `months` months whose first day is `start`."""
    if months <= 0:
        raise ValueError("months must be positive")
    year, month = _shift(start, months)
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return dt.date(year, month, last)
    return dt.date(year, month, start.day) - ONE_DAY


def period_end_or_none(start: dt.date, months: int | None) -> dt.date | None:
    """`period_end`, or None for a period without a fixed length (months unset)."""
    return None if months is None else period_end(start, months)
