"""The grade and its explanation on the console's subject page in a real browser (Debian's
Chromium through Playwright), desktop and phone. Screenshots land in
artifacts/screenshots/evaluation-*.png for people to look at."""

from __future__ import annotations

import pytest
from django.test import Client

from credit.evaluation import services
from tests.browser_support import SHOTS, needs_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.mark.parametrize(
    ("device", "width", "height"), [("desktop", 1280, 900), ("phone", 375, 812)]
)
def test_console_subject_page_shows_the_explained_grade(
    demo_subjects, admin_user, live_server, browser, device, width, height
):
    services.evaluate()
    subject = demo_subjects[3]
    login = Client()
    login.force_login(admin_user)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/console/subjects/{subject.public_id}/")
    section = page.locator("#evaluation")
    assert section.get_by_role("heading", name="公共信用综合评价").is_visible()
    assert section.locator("strong.grade-A").inner_text() == "A"
    assert section.get_by_text("纳税信用 A 级").is_visible()
    # Each scored rule links the facts behind it.
    assert section.get_by_role("link", name="名单条目").count() >= 1
    # The grade section fits the screen (the record tables below are the profile's own).
    wide = page.evaluate(
        """(w) => [...document.querySelectorAll("#evaluation *")]
            .filter(e => e.getBoundingClientRect().right > w + 1).map(e => e.tagName)""",
        width,
    )
    assert wide == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SHOTS / f"evaluation-subject-{device}.png"))
