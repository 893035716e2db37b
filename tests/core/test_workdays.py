from datetime import date, timedelta

import chinese_calendar
import pytest

from credit.core import workdays
from credit.core.models import CalendarYear, Holiday
from credit.core.workdays import (
    PACKAGE_YEARS,
    CalendarLevel,
    WorkdayCalendarError,
    add_workdays,
    calendar_status,
    is_workday,
    known_years,
    reset_cache,
    workdays_between,
)

pytestmark = pytest.mark.django_db

BEYOND = max(PACKAGE_YEARS) + 5  # a year chinese-calendar does not ship


@pytest.fixture(autouse=True)
def fresh_calendar():
    # Rows created in a test vanish on rollback without a signal: never leave a cache built
    # from them behind for the next test.
    reset_cache()
    yield
    reset_cache()


def _count_with_package(start: date, end: date) -> int:
    day, total = start + timedelta(days=1), 0
    while day <= end:
        total += chinese_calendar.is_workday(day)
        day += timedelta(days=1)
    return total


def test_normal_week():
    monday, friday = date(2024, 3, 4), date(2024, 3, 8)
    assert all(is_workday(monday + timedelta(days=i)) for i in range(5))
    assert not is_workday(date(2024, 3, 9)) and not is_workday(date(2024, 3, 10))
    assert workdays_between(monday, friday) == 4
    assert workdays_between(friday, date(2024, 3, 11)) == 1  # Friday → next Monday
    assert workdays_between(friday, date(2024, 3, 10)) == 0  # the weekend does not count
    assert workdays_between(friday, friday) == 0
    assert workdays_between(friday, monday) == 0


def test_national_day_golden_week_with_make_up_days():
    assert is_workday(date(2024, 9, 29))  # a working Sunday
    assert is_workday(date(2024, 10, 12))  # a working Saturday
    assert not any(is_workday(date(2024, 10, d)) for d in range(1, 8))
    start, end = date(2024, 9, 27), date(2024, 10, 8)
    assert workdays_between(start, end) == 3 == _count_with_package(start, end)
    # "Within 7 working days" of a Friday decision before the holiday ends on the make-up Saturday.
    assert add_workdays(start, 7) == date(2024, 10, 12)
    assert workdays_between(start, add_workdays(start, 7)) == 7


def test_counts_agree_with_chinese_calendar_across_a_whole_year():
    start = date(2023, 12, 31)
    for month in range(1, 13):
        end = date(2024, month, 28)
        assert workdays_between(start, end) == _count_with_package(start, end)
    assert workdays_between(date(2023, 6, 1), date(2025, 2, 1)) == _count_with_package(
        date(2023, 6, 1), date(2025, 2, 1)
    )


def test_add_workdays_edges():
    friday = date(2024, 3, 8)
    assert add_workdays(friday, 0) == friday
    assert add_workdays(friday, 1) == date(2024, 3, 11)
    with pytest.raises(ValueError):
        add_workdays(friday, -1)


def test_override_makes_a_day_a_holiday():
    wednesday = date(2024, 3, 6)
    assert is_workday(wednesday)
    assert workdays_between(date(2024, 3, 4), date(2024, 3, 8)) == 4
    Holiday.objects.create(date=wednesday, is_workday=False, name="临时调休")
    assert not is_workday(wednesday)
    assert workdays_between(date(2024, 3, 4), date(2024, 3, 8)) == 3


def test_override_makes_a_weekend_day_a_workday():
    saturday = date(2024, 3, 9)
    Holiday.objects.create(date=saturday, is_workday=True, name="补班")
    assert is_workday(saturday)
    assert workdays_between(date(2024, 3, 8), date(2024, 3, 11)) == 2


def test_year_beyond_the_package_raises_until_the_office_maintains_it():
    may_day = date(BEYOND, 5, 1)
    with pytest.raises(WorkdayCalendarError) as exc:
        is_workday(may_day)
    message = exc.value.message
    assert message.startswith(f"{BEYOND} 年节假日安排尚未录入工作日历")
    assert f"已知年份：{min(PACKAGE_YEARS)}–{max(PACKAGE_YEARS)}" in message
    assert f"无法计算日期 {may_day.isoformat()} 涉及的工作日" in message
    assert "请联系信用办管理员" in message  # operators cannot fix it; they learn who can
    assert exc.value.code == "workday_calendar_unknown_year" and exc.value.year == BEYOND
    with pytest.raises(WorkdayCalendarError):
        workdays_between(date(max(PACKAGE_YEARS), 12, 1), may_day)
    # An override alone does not make the year known: the rest of it would be guessed.
    Holiday.objects.create(date=may_day, is_workday=False, name="劳动节")
    with pytest.raises(WorkdayCalendarError):
        is_workday(may_day)

    CalendarYear.objects.create(year=BEYOND, note="按国务院办公厅通知录入")
    assert BEYOND in known_years()
    assert not is_workday(may_day)
    weekday = next(
        may_day + timedelta(days=i)
        for i in range(1, 8)
        if (may_day + timedelta(days=i)).weekday() < 5
    )
    assert is_workday(weekday)
    assert workdays_between(date(BEYOND, 4, 30), weekday) == 1
    # The years between the package and the office's year are still unknown.
    with pytest.raises(WorkdayCalendarError) as exc:
        workdays_between(date(max(PACKAGE_YEARS), 12, 1), may_day)
    assert str(max(PACKAGE_YEARS) + 1) in exc.value.message
    with pytest.raises(WorkdayCalendarError):
        add_workdays(date(max(PACKAGE_YEARS), 12, 30), 20)


def test_signals_invalidate_the_cache():
    day = date(2024, 3, 6)
    assert is_workday(day)  # cache built
    holiday = Holiday.objects.create(date=day, is_workday=False)
    assert not is_workday(day)
    holiday.is_workday = True
    holiday.save()
    assert is_workday(day)
    holiday.is_workday = False
    holiday.save()
    assert not is_workday(day)
    holiday.delete()
    assert is_workday(day)
    year = CalendarYear.objects.create(year=BEYOND)
    assert BEYOND in known_years()
    year.delete()
    assert BEYOND not in known_years()


def test_changes_from_another_process_are_seen_after_revalidation(monkeypatch):
    day = date(2024, 3, 6)
    Holiday.objects.create(date=day, is_workday=False)
    assert not is_workday(day)
    # queryset.update() sends no signal, like a change made by another process.
    Holiday.objects.filter(date=day).update(is_workday=True)
    assert not is_workday(day)  # still cached
    monkeypatch.setattr(workdays, "_checked_at", 0.0)
    monkeypatch.setattr(workdays, "REVALIDATE_SECONDS", 0.0)
    assert is_workday(day)


# Calendar status: the last year chinese-calendar ships is "this year", the one after it
# is unknown until the credit office enters it. Dates are passed in, never read from a clock.
LAST = max(PACKAGE_YEARS)


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (date(LAST, 1, 1), CalendarLevel.NONE),
        (date(LAST, 10, 31), CalendarLevel.NONE),  # too early to expect next year's holidays
        (date(LAST, 11, 1), CalendarLevel.WARNING),  # from 1 November on
        (date(LAST, 11, 27), CalendarLevel.WARNING),
        (date(LAST, 12, 31), CalendarLevel.WARNING),
        (date(LAST + 1, 1, 1), CalendarLevel.ERROR),  # this year unknown: imports fail now
        (date(LAST + 1, 6, 15), CalendarLevel.ERROR),
        (date(LAST - 1, 11, 27), CalendarLevel.NONE),  # next year is shipped
    ],
)
def test_calendar_status_level(today, level):
    status = calendar_status(today)
    assert status.level is level
    assert status.this_year_known == (today.year <= LAST)
    assert status.next_year_known == (today.year + 1 <= LAST)
    assert status.needs_attention == (level is not CalendarLevel.NONE)


def test_calendar_status_messages_name_the_missing_year():
    warning = calendar_status(date(LAST, 11, 27))
    assert warning.message == (
        f"{LAST + 1} 年节假日安排尚未录入工作日历。自 {LAST + 1} 年 1 月 1 日起，"
        "报送时效无法计算，数据将无法入库；12 月下旬起，"
        f"跨入 {LAST + 1} 年的期限（陈述申辩期、核查反馈期）也将无法计算。"
        f"请在管理后台“节假日调整”中粘贴国务院办公厅 {LAST + 1} 年节假日安排通知"
        "（“粘贴通知录入全年”，保存时即确认该年度），"
        f"或逐条录入 {LAST + 1} 年节假日和调休上班日并在“已维护年度”中确认 {LAST + 1} 年。"
    )
    error = calendar_status(date(LAST + 1, 11, 2)).message
    assert error.startswith(f"{LAST + 1} 年节假日安排尚未录入工作日历")
    assert "请立即" in error and f"{LAST + 2} 年节假日安排也尚未录入" in error
    assert f"{LAST + 2} 年" not in calendar_status(date(LAST + 1, 3, 1)).message
    assert "尚未录入" in calendar_status(date(LAST, 6, 1)).message  # none, but still said


def test_calendar_status_follows_the_office_years():
    CalendarYear.objects.create(year=LAST + 1, note="按国务院办公厅通知录入")
    assert calendar_status(date(LAST, 11, 27)).level is CalendarLevel.NONE
    assert calendar_status(date(LAST + 1, 6, 1)).level is CalendarLevel.NONE
    assert calendar_status(date(LAST + 1, 11, 1)).level is CalendarLevel.WARNING
    assert calendar_status(date(LAST, 11, 27)).message.startswith(
        f"工作日历已包含 {LAST} 年和 {LAST + 1} 年"
    )
    # Holiday rows alone do not make a year known: it must be confirmed.
    Holiday.objects.create(date=date(LAST + 2, 1, 1), is_workday=False, name="元旦")
    assert calendar_status(date(LAST + 2, 1, 2)).level is CalendarLevel.ERROR
