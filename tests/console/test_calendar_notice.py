"""The working-day calendar banner in the console layout: credit office administrators only."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from credit.core.workdays import (
    PACKAGE_YEARS,
    CalendarLevel,
    calendar_status,
    reset_cache,
)

pytestmark = pytest.mark.django_db

LAST = max(PACKAGE_YEARS)
BANNER = "calendar-notice"


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_cache()
    yield
    reset_cache()


def test_banner_names_the_year_and_links_to_the_admin():
    status = calendar_status(date(LAST, 11, 27))
    assert status.level is CalendarLevel.WARNING
    html = render_to_string("console/_calendar_notice.html", {"workday_calendar": status})
    assert 'class="notice warning calendar-notice"' in html
    assert f"{LAST + 1} 年节假日安排尚未录入工作日历。" in html
    assert f"自 {LAST + 1} 年 1 月 1 日起，报送时效无法计算，数据将无法入库；" in html
    assert reverse("admin:core_holiday_changelist") in html
    assert reverse("admin:core_calendaryear_changelist") in html

    error = calendar_status(date(LAST + 1, 1, 4))
    html = render_to_string("console/_calendar_notice.html", {"workday_calendar": error})
    assert 'class="notice error calendar-notice" role="alert"' in html
    nothing = render_to_string("console/_calendar_notice.html", {"workday_calendar": None})
    assert BANNER not in nothing


@pytest.mark.parametrize("url", ["/console/", "/console/batches/"])
def test_credit_admin_sees_the_banner_when_due(login, admin_user, url):
    # The real date decides (no clock mocking); on 2026-11-27 with 2027 unknown it is due.
    due = calendar_status(timezone.localdate()).needs_attention
    html = login(admin_user).get(url).content.decode()
    assert (BANNER in html) == due
    if due:
        assert "年节假日安排尚未录入工作日历" in html
        assert reverse("admin:core_calendaryear_changelist") in html


def test_operator_never_sees_the_banner(login, operator_user):
    html = login(operator_user).get("/console/").content.decode()
    assert BANNER not in html
    assert "节假日安排尚未录入" not in html


def test_login_page_has_no_banner(client):
    assert BANNER not in client.get("/console/login/").content.decode()
