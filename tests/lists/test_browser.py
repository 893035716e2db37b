"""The list procedure in a real browser (Debian's Chromium through Playwright), desktop and
phone: a person put on a list by ID number in the console, through a written waiver to a
published decision, then the portal's list pages.

Screenshots land in artifacts/screenshots/lists-*.png for people to look at.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from credit.lists.models import EntryState, ListEntry
from tests.browser_support import SHOTS, needs_chromium
from tests.collection.samples import person_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

TODAY = dt.date.today()


def _fits(page, width: int) -> None:
    # Nothing may be wider than the screen (usable at 375 px).
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_list_procedure_in_console_and_portal(
    operator_user, departments, live_server, browser, device, width, height
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    login = Client()
    login.force_login(operator_user)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    number = person_id(77)

    page.goto(live_server.url + "/console/lists/new/")
    page.get_by_label("名单类型").select_option(label="市场监督管理严重违法失信名单（黑名单）")
    page.get_by_label("主体类别").select_option(label="自然人")
    page.get_by_label("身份证号码").fill(number)
    page.get_by_label("主体名称").fill("赵六一")
    page.get_by_label("告知书文号").fill("本市监告〔2026〕77号")
    page.get_by_label("告知日期").fill((TODAY - dt.timedelta(days=1)).isoformat())
    page.get_by_label("拟列入理由").fill("严重违法失信")
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"lists-console-new-{device}.png"), full_page=True)
    page.get_by_role("button", name="登记告知").click()
    page.wait_for_url(re.compile(r"/console/lists/\d+/$"))

    main = page.locator("main").inner_text()
    assert main.count("已登记告知") == 1  # the message once
    assert number[:6] + "********" + number[-4:] in main and number not in page.content()
    assert "状态：" in main
    # Inside the statement window only statement, waiver and withdrawal are offered.
    headings = page.locator("section.action h2").all_inner_texts()
    assert headings == ["登记陈述申辩", "登记书面放弃陈述申辩", "不予列入"]
    # The console's styles apply: action forms sit in panels with the console's buttons.
    assert page.locator("section.action.panel").count() == 3
    assert page.locator("button.button").count() >= 3
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"lists-console-notified-{device}.png"), full_page=True)

    page.locator("#id_waive-waived_on").fill(TODAY.isoformat())
    page.locator("#id_waive-document_number").fill("放弃书〔2026〕77号")
    page.get_by_role("button", name="登记书面放弃陈述申辩").click()
    page.wait_for_load_state()
    assert page.locator("main").inner_text().count("已登记当事人书面放弃陈述申辩") == 1
    assert page.locator("section.action h2").all_inner_texts() == ["作出列入决定", "不予列入"]

    page.locator("#id_decide-decision_number").fill("本市监严〔2026〕77号")
    page.locator("#id_decide-decision_date").fill(TODAY.isoformat())
    page.locator("#id_decide-facts").fill("一年内三次抽检不合格")
    page.locator("#id_decide-basis").fill("《市场监督管理严重违法失信名单管理办法》")
    page.get_by_role("button", name="作出列入决定").click()
    page.wait_for_load_state()
    assert page.locator("section.action h2").all_inner_texts() == ["公开", "移出"]
    page.get_by_role("button", name="公开").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "已公开" in main and "书面放弃陈述申辩：" in main and "放弃书〔2026〕77号" in main
    assert page.locator("section.action h2").all_inner_texts() == ["移出"]
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"lists-console-published-{device}.png"), full_page=True)
    assert ListEntry.objects.get().state == EntryState.PUBLISHED

    page.goto(live_server.url + "/console/lists/")
    assert "赵六一" in page.locator("main").inner_text()
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"lists-console-index-{device}.png"), full_page=True)

    # The portal: surname only, never the ID number; tables reflow on a phone.
    public = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    public.goto(live_server.url + "/lists/")
    _fits(public, width)
    public.screenshot(path=str(SHOTS / f"lists-portal-index-{device}.png"), full_page=True)
    public.goto(live_server.url + "/lists/samr_serious_violation/")
    html = public.content()
    assert "赵**" in html and "赵六一" not in html and number not in html
    assert "本市监严〔2026〕77号" in public.locator("main").inner_text()
    term = public.locator("dl.facts dt").first
    after = term.evaluate("dt => getComputedStyle(dt, '::after').content")
    assert term.inner_text() == "认定机关" and after == '"："'  # one Chinese colon
    _fits(public, width)
    cell = public.locator("table.records td[data-label='决定文书号']").first
    display = cell.evaluate("td => getComputedStyle(td).display")
    assert display == ("block" if device == "phone" else "table-cell")
    public.screenshot(path=str(SHOTS / f"lists-portal-detail-{device}.png"), full_page=True)
    context.close()
    public.close()
