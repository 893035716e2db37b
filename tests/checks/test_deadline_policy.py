"""One policy for deadlines in a year the working-day calendar does not know: the list
procedure (陈述申辩 period) and the credit check (feedback period) both refuse, with the
calendar's Chinese message, before storing anything (core.deadlines)."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.checks.models import CreditCheck, Feedback
from credit.checks.store import run_check
from credit.core import workdays
from credit.core.actors import Actor
from credit.core.deadlines import DeadlineUnknown
from credit.core.models import CalendarYear
from credit.lists import services as lists
from credit.lists.models import ListEntry, ListType

from .test_checks_helpers import catalog, make_subject, put_on_list, uscc  # noqa: F401

pytestmark = pytest.mark.django_db

LAST = max(workdays.PACKAGE_YEARS)
CALENDAR_MESSAGE = "年节假日安排尚未录入工作日历"


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.reset_cache()
    yield
    workdays.reset_cache()


def _listed(n: int, start: dt.date | None = None):
    subject = make_subject(f"本溪市期限测试有限公司{n}", code=uscc(n))
    put_on_list(subject, "samr_serious_violation", start=start)
    return subject


def test_a_check_whose_feedback_period_reaches_an_unknown_year_is_refused(actor):
    _listed(100070)
    with pytest.raises(DeadlineUnknown) as exc:
        run_check(
            actor,
            "bidding",
            [{"uscc": uscc(100070)}],
            purpose="测试核查",
            today=dt.date(LAST, 12, 28),
        )
    assert exc.value.code == "workday_calendar_unknown_year"
    assert f"{LAST + 1} {CALENDAR_MESSAGE}" in exc.value.message
    assert not CreditCheck.objects.exists() and not Feedback.objects.exists()
    # Confirmed by the credit office: the same check is answered, due in working days.
    CalendarYear.objects.create(year=LAST + 1)
    check = run_check(
        actor, "bidding", [{"uscc": uscc(100070)}], purpose="测试核查", today=dt.date(LAST, 12, 28)
    )
    assert check.feedback_due == workdays.add_workdays(dt.date(LAST, 12, 28), 5)


def test_lists_and_checks_refuse_an_unknown_year_alike(actor, operator_user):
    """The same day in a year the calendar lacks gives the same refusal on both paths."""
    day = dt.date(min(workdays.PACKAGE_YEARS) - 1, 6, 2)  # before chinese-calendar's years
    _listed(100071, start=day - dt.timedelta(days=30))  # in force on that day: a hit
    with pytest.raises(DeadlineUnknown) as in_check:
        run_check(actor, "bidding", [{"uscc": uscc(100071)}], purpose="测试", today=day)
    other = make_subject("本溪市期限测试有限公司100072", code=uscc(100072))
    samr = ListType.objects.get(code="samr_serious_violation")
    with pytest.raises(DeadlineUnknown) as in_list:
        lists.notify(
            Actor.for_user(operator_user), samr, other, "本市监告〔2026〕70号", day, "拟列入理由"
        )
    assert (in_list.value.code, in_list.value.message) == (
        in_check.value.code,
        in_check.value.message,
    )
    assert CALENDAR_MESSAGE in in_list.value.message
    assert not ListEntry.objects.filter(subject=other).exists()
