"""core.deadlines: working-day due dates, the unknown-year policy and the due/breached clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from credit.core import deadlines, workdays
from credit.core.deadlines import Clock, DeadlineUnknown
from credit.core.errors import ServiceError
from credit.core.models import CalendarYear, Holiday

LAST = max(workdays.PACKAGE_YEARS)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.reset_cache()
    yield
    workdays.reset_cache()


def test_due_date_counts_official_working_days():
    # A notice on Friday 2026-10-30: 5 working days end on Friday 2026-11-06.
    assert deadlines.due_date(date(2026, 10, 30), 5) == date(2026, 11, 6)
    # Across National Day the holiday week does not count (make-up Saturdays do).
    due = deadlines.due_date(date(2026, 9, 30), 5)
    assert due > date(2026, 10, 7) and workdays.workdays_between(date(2026, 9, 30), due) == 5
    assert deadlines.due_date(date(2026, 10, 30), 0) == date(2026, 10, 30)


def test_a_year_the_calendar_does_not_know_is_refused_in_chinese():
    with pytest.raises(DeadlineUnknown) as exc:
        deadlines.due_date(date(LAST, 12, 28), 5)
    error = exc.value
    assert isinstance(error, ServiceError) and error.status == 400
    assert error.code == "workday_calendar_unknown_year" and error.year == LAST + 1
    assert f"{LAST + 1} 年节假日安排尚未录入工作日历" in error.message
    assert "请联系信用办管理员" in error.message


def test_once_the_office_confirms_the_year_its_deadlines_are_computed():
    CalendarYear.objects.create(year=LAST + 1, note="测试")
    Holiday.objects.create(date=date(LAST + 1, 1, 1), is_workday=False, name="元旦")
    # 5 working days from Monday 28 December, with 1 January a holiday.
    start = date(LAST, 12, 28)
    due = deadlines.due_date(start, 5)
    assert workdays.workdays_between(start, due) == 5
    assert due > date(LAST + 1, 1, 1) and workdays.is_workday(due)


def test_clock_due_day_is_in_time_the_day_after_is_breached():
    due = date(2026, 11, 6)
    clock = Clock(due)
    assert clock.open_on(due) and not clock.breached(due)
    assert clock.breached(due + timedelta(days=1)) and not clock.open_on(due + timedelta(days=1))
    # Working days left: Mon 2 Nov → Fri 6 Nov is 4; none on or after the due day.
    assert clock.remaining(date(2026, 11, 2)) == 4
    assert clock.remaining(due) == 0 and clock.remaining(due + timedelta(days=3)) == 0
    assert Clock.starting(date(2026, 10, 30), 5) == clock


def test_clock_remaining_through_an_unknown_year_is_refused():
    clock = Clock(date(LAST + 1, 1, 8))
    with pytest.raises(DeadlineUnknown):
        clock.remaining(date(LAST, 12, 28))


def test_breached_q_selects_rows_past_their_due_day():
    # The same rule as Clock.breached, as a filter (checked on the model that stores it).
    q = Clock.breached_q("due_date", date(2026, 11, 6))
    assert q.children == [("due_date__lt", date(2026, 11, 6))]
