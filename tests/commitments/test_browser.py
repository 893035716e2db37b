"""The console queue (承诺核查) and the portal list (/commitments/) in a real browser,
desktop and phone: overdue commitments listed first, the 失信 verification made from the
page, the public list showing public commitments only, nothing wider than the screen."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.collection import services as collection
from credit.commitments.models import Commitment, Fulfilment
from credit.core.actors import Actor
from tests.browser_support import SHOTS, needs_chromium

from .samples import commitment_row

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]
MADE = dt.date(2026, 9, 30)


@pytest.fixture
def sent(catalog, scjg):
    rows = [
        commitment_row(1, made=MADE),
        commitment_row(2, made=MADE, 承诺类型="主动型", 承诺事项="守法诚信经营", 核查期限=""),
        commitment_row(3, made=MADE, 是否公开="否", 承诺事项="不公开的承诺事项"),
    ]
    batch = collection.submit_rows(
        Actor.system(), dataset_code="commitment", department=scjg, items=rows
    )
    assert batch.state == "done", batch.message
    return {c.code[-1]: c for c in Commitment.objects.all()}


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_console_queue_and_verification(
    sent, live_server, browser, operator_user, user_password, device, width, height
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.goto(f"{live_server.url}/console/login/")
    page.get_by_label("用户名").fill(operator_user.username)
    page.get_by_label("密码").fill(user_password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/console/")
    page.goto(f"{live_server.url}/console/commitments/")
    main = page.locator("main").inner_text()
    assert "逾期未核查的承诺：2 条" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"commitments-queue-{device}.png"), full_page=True)
    page.get_by_role("link", name=sent["1"].code).click()
    page.get_by_label("失信", exact=True).check()
    page.get_by_label("失信事实").fill("承诺的经营场所不存在")
    page.get_by_label("失信认定文书号").fill("本市监信〔2026〕9号")
    page.get_by_role("button", name="提交核查结果").click()
    assert "已登记核查结果：失信" in page.locator("body").inner_text()
    page.screenshot(path=str(SHOTS / f"commitments-broken-{device}.png"), full_page=True)
    assert Commitment.objects.get(pk=sent["1"].pk).state == Fulfilment.BROKEN
    page.close()


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_portal_list(sent, live_server, browser, device, width, height):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.goto(f"{live_server.url}/commitments/")
    text = page.locator("main").inner_text()
    assert "守法诚信经营" in text and sent["2"].code in text
    assert "不公开的承诺事项" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"commitments-portal-{device}.png"), full_page=True)
    page.close()
