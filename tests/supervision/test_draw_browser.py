"""The console draw in a real browser (Debian's Chromium through Playwright, desktop): an
operator opens 双随机抽查, finds the ratios prefilled and a seed offered, draws, and reads
the counts per grade and the drawn subjects; then redraws with the same seed and gets the
same subjects.

Screenshots land in artifacts/screenshots/sampling-*.png for people to look at.
"""

from __future__ import annotations

import pytest
from django.test import Client

from credit.supervision.models import SampleDraw
from tests.browser_support import SHOTS, needs_chromium
from tests.supervision.conftest import GRADED_PLAN, give_grades, load_licensees

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_operator_draws_a_sample_in_the_console(
    scjg, sthj, operator_user, tmp_path, live_server, browser
):
    licensees = load_licensees(scjg, sthj, tmp_path)
    give_grades(licensees.scjg, GRADED_PLAN)
    SHOTS.mkdir(parents=True, exist_ok=True)
    login = Client()
    login.force_login(operator_user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(live_server.url + "/console/")
    page.get_by_role("link", name="双随机抽查").first.click()
    page.wait_for_url("**/console/supervision/")
    page.get_by_role("link", name="新建抽查").click()
    page.wait_for_url("**/console/supervision/new/")
    seed = page.get_by_label("随机种子").input_value()
    assert seed.isdigit() and len(seed) == 12
    assert page.get_by_label("A 级抽查比例").input_value() == "0.05"
    assert page.get_by_label("D 级抽查比例").input_value() == "0.40"
    page.get_by_label("本部门行政许可相对人").check()
    page.get_by_label("D 级抽查比例").fill("1")
    page.screenshot(path=str(SHOTS / "sampling-form-desktop.png"), full_page=True)
    page.get_by_role("button", name="抽取").click()
    page.wait_for_url("**/console/supervision/*/")
    first = SampleDraw.objects.get()
    assert page.locator("#seed").inner_text() == seed
    d_row = page.locator("#strata tr[data-stratum=D] td")
    assert d_row.all_inner_texts() == ["D 级", "3", "100%", "3"]
    a_row = page.locator("#strata tr[data-stratum=A] td")
    assert a_row.all_inner_texts() == ["A 级", "12", "5%", "1"]
    names = page.locator("#drawn tbody tr td:nth-child(2)").all_inner_texts()
    assert names == list(first.drawn.order_by("position").values_list("subject_name", flat=True))
    assert len(names) == first.drawn_size == 1 + 1 + 1 + 3 + 1
    page.screenshot(path=str(SHOTS / "sampling-draw-desktop.png"), full_page=True)

    # The same seed again: the same subjects.
    page.goto(live_server.url + "/console/supervision/new/")
    page.get_by_label("随机种子").fill(seed)
    page.get_by_label("D 级抽查比例").fill("1")
    page.get_by_role("button", name="抽取").click()
    page.wait_for_url("**/console/supervision/*/")
    again = page.locator("#drawn tbody tr td:nth-child(2)").all_inner_texts()
    assert again == names
    page.goto(live_server.url + "/console/supervision/")
    assert page.locator("table tbody tr").count() == 2
    page.screenshot(path=str(SHOTS / "sampling-list-desktop.png"), full_page=True)
    context.close()
