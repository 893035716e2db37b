"""本单位记录 in a real browser (Debian's Chromium through Playwright), desktop and phone: an
operator filters the department's records, withdraws one with its deciding document after
the confirmation step, and the portal no longer shows it.

Screenshots land in artifacts/screenshots/dept-records-*.png for people to look at.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from credit.collection import services as collection
from credit.core.actors import Actor
from credit.records.models import Record, Visibility
from tests.browser_support import SHOTS, needs_chromium
from tests.collection.samples import penalty_row, write_csv

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
def test_operator_filters_withdraws_and_the_portal_drops_it(
    scjg, operator_user, tmp_path, live_server, browser, device, width, height
):
    call_command("load_catalog", verbosity=0)
    rows = [
        penalty_row(
            1, decided=TODAY - dt.timedelta(days=4), 行政相对人名称="本溪市撤回测试有限公司"
        ),
        penalty_row(2, decided=TODAY - dt.timedelta(days=6)),
    ]
    path = write_csv(tmp_path / "p.csv", rows)
    collection.submit_file(
        Actor.system(),
        dataset_code="penalty",
        department=scjg,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    target = Record.objects.get(doc_number="本市监罚〔2026〕1号")
    profile = f"{live_server.url}/subjects/{target.subject.public_id}/"
    SHOTS.mkdir(parents=True, exist_ok=True)

    public = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    public.goto(profile)
    assert "本市监罚〔2026〕1号" in public.content()

    login = Client()
    login.force_login(operator_user)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/console/")
    page.get_by_role("link", name="本单位记录").first.click()
    page.wait_for_url("**/console/records/")
    page.get_by_label("主体名称或统一社会信用代码").fill("撤回测试")
    page.get_by_label("状态").select_option(label="公示中")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/console/records/?*")
    assert page.get_by_role("link", name="本溪市撤回测试有限公司").count() == 1
    assert "本市监罚〔2026〕2号" not in page.content()
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"dept-records-list-{device}.png"), full_page=True)

    page.get_by_role("link", name="本溪市撤回测试有限公司").click()
    page.get_by_role("heading", name="历史版本").wait_for()
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"dept-records-detail-{device}.png"), full_page=True)
    page.get_by_role("link", name="撤回", exact=True).click()
    page.get_by_label("撤回依据").select_option(label="撤销决定")
    page.get_by_label("依据文书号").fill("本市监撤〔2026〕5号")
    page.get_by_label("依据文书日期").fill(TODAY.isoformat())
    page.get_by_label("撤回原因").fill("原处罚决定已依法撤销")
    page.get_by_role("button", name="下一步：确认").click()
    page.get_by_text("请确认撤回").wait_for()
    # Not yet withdrawn: the confirmation page only shows what will happen.
    assert Record.objects.get(pk=target.pk).withdrawn_at is None
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"dept-records-confirm-{device}.png"), full_page=True)
    page.get_by_role("button", name="确认撤回").click()
    page.get_by_text("已撤回该记录").wait_for()
    assert "撤销决定，本市监撤〔2026〕5号" in page.content()
    _fits(page, width)
    page.screenshot(path=str(SHOTS / f"dept-records-withdrawn-{device}.png"), full_page=True)
    assert Record.objects.get(pk=target.pk).visibility == Visibility.WITHDRAWN

    public.goto(profile)
    assert "本市监罚〔2026〕1号" not in public.content()
    public.goto(live_server.url + "/publicity/penalties/")
    assert "本市监罚〔2026〕1号" not in public.content()
    assert "本市监罚〔2026〕2号" in public.content()
    context.close()
    public.close()
