"""`credit check_calendar`: the calendar's state in Chinese, exit 1 when someone must act."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from credit.core.models import CalendarYear
from credit.core.workdays import PACKAGE_YEARS, reset_cache

pytestmark = pytest.mark.django_db

LAST = max(PACKAGE_YEARS)


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_cache()
    yield
    reset_cache()


def _run(day: date) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_calendar", "--date", day.isoformat(), stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_nothing_due_exits_0():
    code, out = _run(date(LAST, 6, 1))
    assert code == 0
    assert f"工作日历检查（{LAST}-06-01）：正常" in out
    assert f"{LAST} 年：已录入；{LAST + 1} 年：未录入" in out


def test_next_year_missing_in_november_exits_1():
    code, out = _run(date(LAST, 11, 27))
    assert code == 1
    assert "：警告" in out and f"自 {LAST + 1} 年 1 月 1 日起" in out


def test_this_year_missing_exits_1():
    code, out = _run(date(LAST + 1, 1, 4))
    assert code == 1
    assert "：错误" in out and "请立即" in out


def test_entered_year_clears_the_warning():
    CalendarYear.objects.create(year=LAST + 1)
    code, out = _run(date(LAST, 11, 27))
    assert code == 0
    assert f"{LAST + 1} 年：已录入" in out


def test_bad_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("check_calendar", "--date", "27.11.2026")
