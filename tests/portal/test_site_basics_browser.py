"""Issue 11 in a real browser: the visitor's corrections (bad USCC, short query, bad
dates), the footer, privacy statement and site map on desktop and phone, and the credit
office pasting a holiday notice in the admin. Screenshots: artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from credit.core.models import Holiday
from tests.browser_support import SHOTS, needs_chromium
from tests.core.test_holiday_notice import notice_text

from .conftest import COMPANY_USCC, load_portal_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.fixture
def data(scjg, tmp_path):
    return load_portal_data(scjg, tmp_path)


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_visitor_is_told_what_to_correct(data, live_server, browser, device, width, height):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.goto(live_server.url + "/search/")
    wrong = COMPANY_USCC[:17] + ("0" if COMPANY_USCC[17] != "0" else "1")
    page.get_by_label("企业名称或统一社会信用代码").fill(wrong)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    alert = page.get_by_role("alert").inner_text()
    assert f"第 18 位校验码应为“{COMPANY_USCC[17]}”" in alert
    page.screenshot(path=str(SHOTS / f"search-bad-uscc-{device}.png"), full_page=True)

    page.get_by_label("企业名称或统一社会信用代码").fill("钢")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert "请输入至少2个字" in page.get_by_role("alert").inner_text()

    # A date input cannot be typed wrong in Chromium; a hand-edited address can.
    page.goto(live_server.url + "/publicity/penalties/?date_from=2026-02-30")
    alert = page.get_by_role("alert").inner_text()
    assert "决定日期自“2026-02-30”不是有效的日期" in alert
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"penalties-bad-date-{device}.png"), full_page=True)

    footer = page.locator("footer").inner_text()
    assert "主办单位" in footer and "网站标识码" in footer
    assert "ICP备" in footer and "公网安备" in footer
    page.locator("footer").get_by_role("link", name="隐私声明").click()
    page.wait_for_url(re.compile(r"/privacy/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"privacy-{device}.png"), full_page=True)
    page.locator("footer").get_by_role("link", name="网站地图").click()
    page.wait_for_url(re.compile(r"/sitemap/$"))
    page.screenshot(path=str(SHOTS / f"sitemap-{device}.png"), full_page=True)
    page.get_by_role("main").get_by_role("link", name="行政处罚公示").click()
    page.wait_for_url(re.compile(r"/publicity/penalties/$"))
    icon = page.locator('link[rel="icon"]').first.get_attribute("href")
    assert icon.endswith("favicon.svg")


def test_credit_office_pastes_the_holiday_notice(admin_user, user_password, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(live_server.url + "/admin/login/?next=/admin/core/holiday/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", user_password)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/core/holiday/$"))
    page.get_by_role("link", name="粘贴通知录入全年").click()
    page.wait_for_url(re.compile(r"/paste/$"))
    page.fill("#id_year", "2026")
    page.fill("#id_text", notice_text(2026))
    page.click("input[name=preview]")
    page.wait_for_load_state()
    assert "放假 33 天，调休上班 6 天" in page.locator("#content-main").inner_text()
    page.screenshot(path=str(SHOTS / "admin-holiday-paste-preview.png"), full_page=True)
    assert not Holiday.objects.exists()
    page.click("input[name=save]")
    page.wait_for_url(re.compile(r"date__year=2026"))
    assert "已保存 2026 年节假日安排" in page.locator("ul.messagelist").inner_text()
    page.screenshot(path=str(SHOTS / "admin-holiday-paste-saved.png"), full_page=True)
    assert Holiday.objects.filter(date__year=2026).count() == 39
