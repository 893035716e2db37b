"""Working days (工作日): the official calendar with its make-up days (domain.md §3).

Source of truth, in order: a `Holiday` row for the date; chinese-calendar for the years it
ships; Monday–Friday for a year the credit office has declared complete in `CalendarYear`
(its holidays and make-up days then all come from `Holiday`). Any other year is unknown and
every function raises `WorkdayCalendarError` rather than guess: a wrong count would make
a department's upload late or on time by mistake.

`calendar_status(today)` tells ahead of time whether this year and next year are known, so
the credit office enters a new year before the first import that needs it fails.

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
from enum import StrEnum

import chinese_calendar

REVALIDATE_SECONDS = 60.0


class WorkdayCalendarError(ValueError):
    """A date outside the years the calendar knows."""

    code = "workday_calendar_unknown_year"

    def __init__(self, day: date, known: str):
        self.day = day
        self.year = day.year
        # Shown to department operators in import errors: say what is missing and who fixes it.
        self.message = (
            f"{day.year} 年节假日安排尚未录入工作日历（已知年份：{known}），"
            f"无法计算日期 {day.isoformat()} 涉及的工作日。"
            f"请联系信用办管理员在管理后台录入 {day.year} 年节假日调整并确认年度"
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


def before_calendar(day: date) -> bool:
    """Whether `day` falls before the first year the calendar knows (chinese-calendar
    starts in 2004). Such a day is history, not a year the office forgot to enter: nobody
    can enter 2003's holidays now, so callers treat timeliness as unknown instead of
    asking for the calendar (see `workdays_or_unknown`)."""
    return day.year < min(_get().known_years)


def workdays_or_unknown(start: date, end: date) -> int | None:
    """`workdays_between`, or None when `start` precedes the calendar's first year.

    A year missing after the first known one (a gap, or a new year not yet entered) still
    raises `WorkdayCalendarError`: that one the credit office can and must enter."""
    if before_calendar(start):
        return None
    return workdays_between(start, end)


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


# The State Council usually publishes next year's holidays in November or December.
NEXT_YEAR_WARNING_FROM = (11, 1)  # (month, day)


class CalendarLevel(StrEnum):
    NONE = "none"
    WARNING = "warning"  # next year unknown, and it is time to enter it
    ERROR = "error"  # this year unknown: imports fail now


@dataclass(frozen=True)
class CalendarStatus:
    """Whether the calendar knows this year and next year, on `today`."""

    today: date
    this_year_known: bool
    next_year_known: bool
    known_label: str
    level: CalendarLevel

    @property
    def this_year(self) -> int:
        return self.today.year

    @property
    def next_year(self) -> int:
        return self.today.year + 1

    @property
    def needs_attention(self) -> bool:
        return self.level is not CalendarLevel.NONE

    @property
    def message(self) -> str:
        """The state in Chinese, for the console banner and the check command."""
        y, n = self.this_year, self.next_year
        if self.level is CalendarLevel.ERROR:
            text = (
                f"{y} 年节假日安排尚未录入工作日历（已知年份：{self.known_label}）。"
                f"报送时效和反馈期限现在无法计算，涉及 {y} 年日期的数据无法入库。"
                f"请立即{_how_to_enter(y)}"
            )
            if not self.next_year_known and _next_year_due(self.today):
                text += f"{n} 年节假日安排也尚未录入。"
            return text
        if self.level is CalendarLevel.WARNING:
            return (
                f"{n} 年节假日安排尚未录入工作日历。"
                f"自 {n} 年 1 月 1 日起，报送时效无法计算，数据将无法入库；"
                f"12 月下旬起，跨入 {n} 年的期限（陈述申辩期、核查反馈期）也将无法计算。"
                f"请{_how_to_enter(n)}"
            )
        if self.next_year_known:
            return f"工作日历已包含 {y} 年和 {n} 年（已知年份：{self.known_label}）。"
        return (
            f"工作日历已包含 {y} 年；{n} 年尚未录入"
            "（国务院通常在 11–12 月公布次年节假日安排，公布后请及时录入）。"
        )


def _how_to_enter(year: int) -> str:
    return (
        f"在管理后台“节假日调整”中粘贴国务院办公厅 {year} 年节假日安排通知"
        "（“粘贴通知录入全年”，保存时即确认该年度），"
        f"或逐条录入 {year} 年节假日和调休上班日并在“已维护年度”中确认 {year} 年。"
    )


def _next_year_due(today: date) -> bool:
    return (today.month, today.day) >= NEXT_YEAR_WARNING_FROM


def calendar_status(today: date) -> CalendarStatus:
    """Which of (this year, next year) the calendar knows on `today`, and how urgent it is.

    error: this year is unknown; warning: next year is unknown and today is on or after
    1 November; none otherwise. The caller passes the date (`timezone.localdate()`).
    """
    calendar = _get()
    this_known = today.year in calendar.known_years
    next_known = today.year + 1 in calendar.known_years
    if not this_known:
        level = CalendarLevel.ERROR
    elif not next_known and _next_year_due(today):
        level = CalendarLevel.WARNING
    else:
        level = CalendarLevel.NONE
    return CalendarStatus(today, this_known, next_known, calendar.known_label, level)
