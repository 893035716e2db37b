"""Entering a year's holidays by pasting the 国务院办公厅 notice (issue 11).

The parser is checked against the real 2025 and 2026 notices (tests/core/fixtures): the
result must be exactly the days chinese-calendar ships for those years. Saving replaces
the year's office entries in one change-logged step; the admin page previews first.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar
import pytest

from credit.accounts import calendar
from credit.audit.models import ChangeLog
from credit.core import holidays, workdays
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.core.models import CalendarYear, Holiday

FIXTURES = Path(__file__).parent / "fixtures"


def notice_text(year: int) -> str:
    return (FIXTURES / f"holiday_notice_{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2025, 2026])
def test_real_notices_parse_to_the_official_calendar(year):
    notice = holidays.parse_notice(notice_text(year), year)
    assert notice.problems == []
    official_off = {d for d in chinese_calendar.holidays if d.year == year}
    official_on = {d for d in chinese_calendar.workdays if d.year == year}
    assert {d.day for d in notice.holidays} == official_off
    assert {d.day for d in notice.workdays} == official_on


def test_2026_details_ranges_lists_and_names():
    notice = holidays.parse_notice(notice_text(2026), 2026)
    by_day = {d.day: d for d in notice.days}
    # "1月1日（周四）至3日（周六）": the month carries over to the range's end.
    assert [d.name for d in notice.days if d.day.month == 1] == ["元旦"] * 3 + ["元旦调休上班"]
    # "2月14日（周六）、2月28日（周六）上班": a 、 list of make-up working days.
    assert by_day[date(2026, 2, 14)].is_workday and by_day[date(2026, 2, 28)].is_workday
    # 春节 spans 9 days, its annotations hold 、 ("农历腊月二十八、周日").
    assert sum(d.name == "春节" for d in notice.days) == 9
    assert by_day[date(2026, 9, 20)].name == "国庆节调休上班"
    assert by_day[date(2026, 1, 4)].weekday == "周日"


def test_2025_range_across_months_and_a_combined_item():
    notice = holidays.parse_notice(notice_text(2025), 2025)
    dragon = [d.day for d in notice.days if d.name == "端午节"]
    assert dragon == [date(2025, 5, 31), date(2025, 6, 1), date(2025, 6, 2)]
    assert [d.day for d in notice.days if d.name == "春节"][0] == date(2025, 1, 28)
    assert len([d for d in notice.days if d.name == "春节"]) == 8  # 1月28日至2月4日
    assert {d.name for d in notice.holidays if d.day.month == 10} == {"国庆节、中秋节"}
    assert [d.name for d in notice.workdays if d.day.month == 10] == ["国庆节、中秋节调休上班"]


def test_wrong_year_is_caught_by_the_written_weekdays():
    notice = holidays.parse_notice(notice_text(2026), 2027)
    assert notice.problems
    assert "1月1日标注为周四，但 2027 年的这一天是周五" in notice.problems[0]


def test_pasted_variants_half_width_brackets_xingqi_and_wrapped_lines():
    text = (
        "一、元旦：1月1日(星期四)至3日(星期六)放假调休，\n共3天。1月4日 （星期日）上班。\n"
        "二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）、28日（周六）上班。"
    )
    notice = holidays.parse_notice(text, 2026)
    assert notice.problems == []
    assert [d.day for d in notice.workdays] == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
    ]
    assert len(notice.holidays) == 12


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("一、元旦：1月1日至3日放假调休，共4天。", "通知写明共 4 天，但解析出的放假日期为 3 天"),
        ("一、元旦：1月1日至3日。1月4日上班。", "未说明是放假还是上班：1月1日、1月2日、1月3日"),
        ("一、元旦：2月30日放假。", "“2月30日”不是有效的日期"),
        ("一、元旦：1月3日至1日放假。", "结束日早于开始日"),
        ("元旦放假三天", "未找到节日条目"),
        ("一、国庆节：10月1日放假，10月2日上班，10月1日上班。", "既是放假又是上班"),
    ],
)
def test_problems_are_named_never_guessed(text, problem):
    notice = holidays.parse_notice(text, 2027)
    assert any(problem in p for p in notice.problems), notice.problems


# --- saving ----------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_save_year_replaces_the_years_entries_logs_and_makes_the_year_known(admin_user):
    year = 2031  # beyond chinese-calendar: unknown until entered
    with pytest.raises(workdays.WorkdayCalendarError):
        workdays.is_workday(date(year, 3, 3))
    Holiday.objects.create(date=date(year, 12, 31), is_workday=False, name="旧的录入")
    Holiday.objects.create(date=date(2030, 12, 31), is_workday=False, name="另一年")
    notice = holidays.parse_notice(
        "一、元旦：1月1日（周三）放假1天。\n二、劳动节：5月1日（周四）至5日（周一）放假调休，"
        "共5天。4月27日（周日）上班。",
        year,
    )
    assert notice.problems == []
    saved = calendar.save_year(Actor.for_user(admin_user), notice)
    assert saved == {
        "year": year,
        "holidays": 6,
        "workdays": 1,
        "replaced": 1,
        "year_declared": True,
    }
    rows = list(Holiday.objects.filter(date__year=year).values_list("date", "is_workday"))
    assert (date(year, 12, 31), False) not in rows and len(rows) == 7
    assert Holiday.objects.filter(date=date(2030, 12, 31)).exists()  # other years untouched
    assert CalendarYear.objects.filter(year=year).exists()
    # The calendar answers for the new year at once in this process.
    assert workdays.is_workday(date(year, 4, 27)) is True  # a Sunday, 调休上班
    assert workdays.is_workday(date(year, 5, 2)) is False
    assert workdays.is_workday(date(year, 3, 3)) is True
    log = ChangeLog.objects.get(action="calendar.year_entered")
    assert log.actor_user == admin_user and log.object_id == str(year)
    assert log.before == {"entries": [f"{year}-12-31 放假 旧的录入"]}
    assert f"{year}-04-27 上班 劳动节调休上班" in log.after["entries"]


@pytestmark_db
def test_save_year_refuses_auditors_operators_and_a_notice_with_problems(
    auditor_user, operator_user, admin_user
):
    good = holidays.parse_notice("一、元旦：1月1日（周三）放假1天。", 2031)
    for user in (auditor_user, operator_user):
        with pytest.raises(PermissionDenied):
            calendar.save_year(Actor.for_user(user), good)
    bad = holidays.parse_notice("一、元旦：1月1日（周四）放假1天。", 2031)
    with pytest.raises(ServiceError) as exc:
        calendar.save_year(Actor.for_user(admin_user), bad)
    assert "周四" in exc.value.message
    assert not Holiday.objects.exists()
    assert not ChangeLog.objects.filter(action="calendar.year_entered").exists()


# --- the admin page --------------------------------------------------------------------------


@pytestmark_db
@pytest.mark.urls("tests.core.admin_urls")
def test_admin_paste_previews_then_saves(client, admin_user, user_password):
    client.login(username=admin_user.username, password=user_password)
    listing = client.get("/admin/core/holiday/").content.decode()
    assert 'href="/admin/core/holiday/paste/"' in listing
    assert client.get("/admin/core/holiday/paste/").status_code == 200
    form = {"year": "2026", "text": notice_text(2026), "complete": "on"}
    preview = client.post("/admin/core/holiday/paste/", {**form, "preview": "1"})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "放假 33 天，调休上班 6 天" in page and "2026-02-28" in page
    assert 'name="save"' in page
    assert not Holiday.objects.exists()  # a preview writes nothing

    saved = client.post("/admin/core/holiday/paste/", {**form, "save": "1"})
    assert saved.status_code == 302
    assert saved["Location"] == "/admin/core/holiday/?date__year=2026"
    assert Holiday.objects.filter(date__year=2026).count() == 39
    assert ChangeLog.objects.filter(action="calendar.year_entered").count() == 1


@pytestmark_db
@pytest.mark.urls("tests.core.admin_urls")
def test_admin_paste_with_problems_shows_them_and_offers_no_save(client, admin_user, user_password):
    client.login(username=admin_user.username, password=user_password)
    form = {"year": "2027", "text": notice_text(2026), "complete": "on", "save": "1"}
    page = client.post("/admin/core/holiday/paste/", form).content.decode()
    assert "通知解析有误" in page and "2027 年的这一天是周五" in page
    assert 'name="save"' not in page
    assert not Holiday.objects.exists()


@pytestmark_db
@pytest.mark.urls("tests.core.admin_urls")
def test_admin_paste_is_refused_to_auditors(client, auditor_user, user_password):
    client.login(username=auditor_user.username, password=user_password)
    assert client.get("/admin/core/holiday/paste/").status_code == 403
    form = {"year": "2026", "text": notice_text(2026), "save": "1"}
    assert client.post("/admin/core/holiday/paste/", form).status_code == 403
    assert not Holiday.objects.exists()
