"""The portal in a real browser (Debian's Chromium through Playwright), desktop and phone.

Screenshots land in artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import SHOTS, needs_chromium

from .conftest import COMPANY, LEGAL_REP_ID, PERSON, PERSON_ID, load_portal_data

pytestmark = [
    pytest.mark.browser,
    # The live server reads through another connection, so data must be committed; the
    # rollback is serialized because the publicity rules are seeded by a data migration
    # that a plain flush would empty for the next test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.fixture
def data(scjg, tmp_path):
    return load_portal_data(scjg, tmp_path)


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_resident_finds_a_company_and_its_penalty(
    data, live_server, browser, device, width, height
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.screenshot(path=str(SHOTS / f"home-{device}.png"), full_page=True)

    # The skip link is the first thing the keyboard reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"

    page.get_by_label("企业名称或统一社会信用代码").fill("明山）钢铁")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    page.screenshot(path=str(SHOTS / f"search-{device}.png"), full_page=True)
    page.get_by_role("link", name=COMPANY).click()

    page.wait_for_url(re.compile(r"/subjects/"))
    body = page.locator("main").inner_text()
    assert "本市监罚〔2026〕901号" in body
    assert "本市监罚〔2026〕902号" not in body  # expired
    assert "本市监罚〔2026〕903号" not in body  # withdrawn
    assert LEGAL_REP_ID not in page.content()
    # Nothing may be wider than the screen (usable at 375 px).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"profile-{device}.png"), full_page=True)

    page.get_by_role("link", name="本市监罚〔2026〕901号").click()
    page.wait_for_url(re.compile(r"/publicity/records/"))
    assert re.search(r"/publicity/records/[A-Za-z0-9_-]{22}/$", page.url)
    detail = page.locator("main").inner_text()
    assert "警告并处罚款二千元" in detail and "法定代表人证件号码" not in detail
    page.screenshot(path=str(SHOTS / f"penalty-{device}.png"), full_page=True)

    # A person's penalty in the public list: surname only, masked, never the ID number.
    page.goto(live_server.url + "/publicity/penalties/")
    listing = page.locator("main").inner_text()
    assert "欧阳**" in listing and PERSON not in listing
    page.screenshot(path=str(SHOTS / f"penalties-{device}.png"), full_page=True)
    page.get_by_role("link", name="欧阳**").first.click()
    page.wait_for_url(re.compile(r"/subjects/"))
    html = page.content()
    assert PERSON not in html and PERSON_ID not in html
    assert PERSON_ID[:6] + "********" + PERSON_ID[-4:] in html
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    page.screenshot(path=str(SHOTS / f"person-{device}.png"), full_page=True)
    page.close()
