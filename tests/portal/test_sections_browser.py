"""The profile's report sections in a real browser, desktop and phone: the section index
jumps to each section, and a dataset the code never names (a YAML this test writes) is
shown in its section with its list fields, nothing wider than the screen."""

from __future__ import annotations

import pytest

from tests.browser_support import SHOTS, needs_chromium

from .test_sections import judged  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_profile_sections_read_like_a_report(
    judged,  # noqa: F811
    live_server,
    browser,
    device,
    width,
    height,
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.goto(f"{live_server.url}/subjects/{judged.subject.public_id}/")
    nav = page.get_by_role("navigation", name="档案栏目")
    assert nav.get_by_role("link").all_inner_texts()[:3] == ["基本信息", "行政管理", "诚实守信"]
    nav.get_by_role("link", name="司法判决（1）").click()
    section = page.locator("section", has=page.locator("h2#section-8"))
    assert section.locator("h2").inner_text() == "司法判决"
    text = section.inner_text()
    assert "测试裁判文书（1）" in text and "合同纠纷" in text
    assert "判令被告支付货款" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SHOTS / f"profile-sections-{device}.png"), full_page=True)

    section.get_by_role("link", name="（2026）辽0502民初1号").click()
    page.wait_for_url("**/publicity/records/**")
    detail = page.locator("main").inner_text()
    # The record page shows every public field, the list's hidden one included.
    assert "判令被告支付货款十万元" in detail and "测试裁判文书" in detail
    page.close()
