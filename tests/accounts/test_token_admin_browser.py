"""The credit office issues a token from the API client's admin page and sees expiring
tokens on the console home (issue 11), in a real browser under the enforced CSP.
Screenshots land in artifacts/screenshots/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from credit.accounts import services
from credit.accounts.models import ApiToken
from tests.browser_support import SHOTS, needs_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_admin_issues_a_token_and_sees_expiring_ones(
    admin_user, user_password, system_actor, api_client_scjg, live_server, browser
):
    api_client, _ = api_client_scjg
    services.issue_token(system_actor, api_client, timezone.now() + timedelta(days=5))
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    # A failed load is the browser's own /favicon.ico; every other error (a CSP violation)
    # fails the test.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", user_password)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url("**/admin/**")

    page.goto(f"{live_server.url}/admin/accounts/apiclient/{api_client.pk}/change/")
    page.screenshot(path=str(SHOTS / "admin-apiclient-tokens.png"), full_page=True)
    page.get_by_role("link", name="签发新令牌").click()
    page.get_by_role("button", name="签发令牌").click()
    shown = page.locator("code.issued-token")
    shown.wait_for(state="visible")
    token = shown.inner_text().strip()
    page.screenshot(path=str(SHOTS / "admin-token-issued.png"), full_page=True)
    assert token.startswith("cbx_")
    assert ApiToken.objects.filter(client=api_client).count() == 3

    page.goto(live_server.url + "/console/")
    section = page.locator("#expiring-tokens")
    section.wait_for(state="visible")
    assert "即将到期的接口令牌" in section.inner_text()
    page.screenshot(path=str(SHOTS / "console-expiring-tokens.png"), full_page=True)
    section.get_by_role("link", name="在管理后台查看全部").click()
    page.wait_for_url("**/admin/accounts/apitoken/?expiry=soon")
    page.screenshot(path=str(SHOTS / "admin-expiring-tokens.png"), full_page=True)
    assert "即将过期" in page.locator("#result_list").inner_text()
    assert errors == []
    context.close()
