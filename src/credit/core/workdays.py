"""Working days (工作日): the official calendar with its make-up days (domain.md §3).

Source of truth, in order: a `Holiday` row for the date; chinese-calendar for the years it
ships; Monday–Friday for a year the credit office has declared complete in `CalendarYear`
(its holidays and make-up days then all come from `Holiday`). Any other year is unknown and
every function raises `WorkdayCalendarError` rather than guess: a wrong count would make
a department's upload late or on time by mistake.

Counting is called once per imported row, so each process keeps a cumulative count per day
over all known years and answers with two list lookups. The cache is dropped by the
Holiday/CalendarYear signals (wired in `CoreConfig.ready`) and, because other processes
(web workers, the task worker) do not see those signals, revalidated against the tables at
most every `REVALIDATE_SECONDS`.
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

REVALIDATE_SECONDS = 60.0


class WorkdayCalendarError(ValueError):
    """A date outside the years the calendar knows."""

    code = "workday_calendar_unknown_year"

    def __init__(self, day: date, known: str):
        self.day = day
        self.message = (
            f"日期 {day.isoformat()} 超出工作日历已知年份（{known}），请在管理后台维护节假日"
        )
        super().__init__(self.message)


def _package_years() -> frozenset[int]:
    days = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return frozenset(range(min(days).year, max(days).year + 1))


PACKAGE_YEARS = _package_years()


def _describe_years(years: frozenset[int]) -> str:
    """2004–2026、2028: contiguous runs joined, for the error message."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in runs) or "无"


@dataclass(frozen=True)
class _Calendar:
    known_years: frozenset[int]
    known_label: str
    first_ordinal: int
    # cumulative[i] = working days in [first day, first day + i], inclusive.
    cumulative: list[int]
    fingerprint: tuple


_lock = threading.Lock()
_calendar: _Calendar | None = None
_checked_at = 0.0


def _fingerprint() -> tuple:
    from credit.core.models import CalendarYear, Holiday

    holidays = tuple(Holiday.objects.order_by("date").values_list("date", "is_workday"))
    years = tuple(CalendarYear.objects.order_by("year").values_list("year", flat=True))
    return holidays, years


def _build(fingerprint: tuple) -> _Calendar:
    holidays, office_years = fingerprint
    overrides = dict(holidays)
    known = PACKAGE_YEARS | frozenset(office_years)
    first = date(min(known), 1, 1)
    last = date(max(known), 12, 31)
    cumulative = []
    running = 0
    day = first
    one = timedelta(days=1)
    while day <= last:
        if day in overrides:
            working = overrides[day]
        elif day.year in PACKAGE_YEARS:
            working = chinese_calendar.is_workday(day)
        else:
            working = day.weekday() < 5
        running += working
        cumulative.append(running)
        day += one
    return _Calendar(known, _describe_years(known), first.toordinal(), cumulative, fingerprint)


def _get() -> _Calendar:
    global _calendar, _checked_at
    calendar = _calendar
    now = time.monotonic()
    if calendar is not None and now - _checked_at < REVALIDATE_SECONDS:
        return calendar
    with _lock:
        if _calendar is not None and now - _checked_at < REVALIDATE_SECONDS:
            return _calendar
        fingerprint = _fingerprint()
        if _calendar is None or _calendar.fingerprint != fingerprint:
            _calendar = _build(fingerprint)
        _checked_at = time.monotonic()
        return _calendar


def reset_cache(**_signal_kwargs) -> None:
    """Forget the cached calendar; the next call rebuilds it. Also a signal receiver."""
    global _calendar
    with _lock:
        _calendar = None


def known_years() -> list[int]:
    return sorted(_get().known_years)


def _index(calendar: _Calendar, day: date) -> int:
    if day.year not in calendar.known_years:
        raise WorkdayCalendarError(day, calendar.known_label)
    return day.toordinal() - calendar.first_ordinal


def is_workday(d: date) -> bool:
    calendar = _get()
    i = _index(calendar, d)
    return calendar.cumulative[i] - (calendar.cumulative[i - 1] if i else 0) == 1


def workdays_between(start: date, end: date) -> int:
    """Working days d with start < d <= end; 0 when end <= start.

    The start day itself never counts, matching "within 7 working days of the decision":
    a decision made on Friday and published the next Monday took 1 working day, one
    published the same day took 0, and a Saturday counts only if it is a make-up working
    day. Every year from start to end must be known.
    """
    if end <= start:
        return 0
    calendar = _get()
    s = _index(calendar, start)
    e = _index(calendar, end)
    for year in range(start.year + 1, end.year):
        if year not in calendar.known_years:
            raise WorkdayCalendarError(date(year, 1, 1), calendar.known_label)
    return calendar.cumulative[e] - calendar.cumulative[s]


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after start (n >= 1): the deadline "within n working days".

    workdays_between(start, add_workdays(start, n)) == n, and the result is a working day.
    n == 0 returns start unchanged.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return start
    calendar = _get()
    s = _index(calendar, start)
    target = calendar.cumulative[s] + n
    i = bisect.bisect_left(calendar.cumulative, target, lo=s)
    if i >= len(calendar.cumulative):
        raise WorkdayCalendarError(date(max(calendar.known_years) + 1, 1, 1), calendar.known_label)
    result = date.fromordinal(calendar.first_ordinal + i)
    for year in range(start.year + 1, result.year + 1):
        if year not in calendar.known_years:
            raise WorkdayCalendarError(date(year, 1, 1), calendar.known_label)
    return result
