"""Working-day deadlines (期限) and the clock that says whether one is kept or breached.

Every due-process deadline of the platform — the 陈述申辩 period of a list procedure, a
department's feedback on a credit check, and the statement, repair and feedback periods
that follow — is "within n working days of a day" (domain.md §3: the official calendar
with its make-up working days, not Monday–Friday). They are all computed here.

**A year the calendar does not know** (`core.workdays`: chinese-calendar's years plus
those the credit office has confirmed): the deadline is refused with `DeadlineUnknown`, a
`ServiceError` whose Chinese message names the year and tells who enters it, for every
caller alike. Guessing Monday–Friday would put New Year's Day and the Spring Festival
among the working days and give a department or a subject a shorter period than the law
does, silently; the console warns from 1 November that next year is missing
(`workdays.calendar_status`), and once the office has confirmed the year (even with only
the holidays it knows so far) every deadline in it is computed.

The rule for "breached" is also here: the due day itself is still in time; the day after
it the deadline is breached (`Clock.breached`, and `Clock.breached_q` for querysets).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from credit.core import workdays
from credit.core.errors import ServiceError


class DeadlineUnknown(ServiceError):
    """A deadline falls in (or counts through) a year the working-day calendar lacks."""

    code = workdays.WorkdayCalendarError.code

    def __init__(self, cause: workdays.WorkdayCalendarError):
        super().__init__(self.code, cause.message)
        self.year = cause.year


def due_date(start: date, n_workdays: int) -> date:
    """The last day of "within `n_workdays` working days of `start`": the n-th working day
    after `start` (the start day never counts; 0 gives `start`).

    Raises `DeadlineUnknown` when a year it needs is not in the calendar.
    """
    try:
        return workdays.add_workdays(start, n_workdays)
    except workdays.WorkdayCalendarError as exc:
        raise DeadlineUnknown(exc) from exc


@dataclass(frozen=True)
class Clock:
    """A deadline: its due day, and what it means on a given day.

    Build it from a stored due date (`Clock(entry.statement_deadline)`) or from the start
    and the period (`Clock.starting(notice_date, 5)`); ask it on the day that matters
    (`clock.breached(today)`, `clock.open_on(decision_date)`).
    """

    due: date

    @classmethod
    def starting(cls, start: date, n_workdays: int) -> Clock:
        return cls(due_date(start, n_workdays))

    def breached(self, on: date) -> bool:
        """Whether the deadline has passed on `on` (the due day itself is still in time)."""
        return on > self.due

    def open_on(self, on: date) -> bool:
        """Whether `on` is still within the period (the due day included)."""
        return not self.breached(on)

    def remaining(self, on: date) -> int:
        """Working days left after `on` up to the due day: 0 on the due day and after.

        Raises `DeadlineUnknown` when a year between them is not in the calendar.
        """
        if on >= self.due:
            return 0
        try:
            return workdays.workdays_between(on, self.due)
        except workdays.WorkdayCalendarError as exc:
            raise DeadlineUnknown(exc) from exc

    @staticmethod
    def breached_q(field: str, on: date) -> Q:
        """Rows whose deadline stored in date column `field` is breached on `on`."""
        return Q(**{f"{field}__lt": on})
