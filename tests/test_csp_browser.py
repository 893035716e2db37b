"""Key pages load under the enforced Content-Security-Policy with no violation (item 21).

Chromium reports every blocked inline script or style, eval and foreign host as a console
error ("Refused to … because it violates the following Content Security Policy
directive"); the test collects every console error and every failed response.
"""

from __future__ import annotations

import pytest

from tests.browser_support import needs_chromium
from tests.portal.conftest import load_portal_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_key_pages_load_without_csp_violations(
    scjg, operator_user, user_password, tmp_path, live_server, browser
):
    data = load_portal_data(scjg, tmp_path)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    policies: dict[str, str] = {}
    failed: list[str] = []

    def on_console(message):
        # A failed load is checked below by its address (browsers ask for /favicon.ico on
        # their own); every other console error fails the test.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def remember(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")
        if response.request.resource_type == "document":
            policies[response.url] = response.headers.get("content-security-policy", "")

    page.on("response", remember)

    def visit(path: str, wait_for: str) -> None:
        page.goto(live_server.url + path)
        page.locator(wait_for).first.wait_for(state="visible", timeout=15_000)

    visit("/", "main")
    visit(f"/subjects/{data.company.public_id}/", "main")
    visit("/admin/login/", "#login-form")
    visit("/api/v1/docs", ".opblock-summary-path")

    visit("/console/login/", "form")
    page.get_by_label("用户名").fill(operator_user.username)
    page.get_by_label("密码").fill(user_password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/console/")
    visit("/console/upload/", "form")
    visit("/console/password/", "form")
    batch = data.public_penalty.batch
    # The batch page loads htmx, which must not insert its own <style> element.
    visit(f"/console/batches/{batch.public_id}/", "main")
    page.wait_for_timeout(300)

    assert errors == []
    assert failed == []
    assert len(policies) >= 8
    for url, policy in policies.items():
        assert "script-src 'self'" in policy, url
        assert "style-src 'self'" in policy, url
    context.close()
