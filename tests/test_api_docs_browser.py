"""The API docs page (Swagger UI at /api/v1/docs) works on a closed network.

Government intranets cannot reach a CDN: the page must load every script and style from
this server. The browser test blocks every request that does not go to the live server
and still expects the operations to be listed, in Chinese. A screenshot lands in
artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders

from credit.api import api
from tests.browser_support import SHOTS, needs_chromium

DOCS = "/api/v1/docs"


def test_swagger_ui_assets_are_served_by_this_server():
    # ninja ships Swagger UI; staticfiles finds it because "ninja" is an installed app.
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        assert finders.find(f"ninja/{name}"), name


@pytest.mark.django_db
def test_docs_page_references_nothing_outside_this_server(client):
    response = client.get(DOCS)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{api.title}</title>" in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    # No script, style or icon from another host, and no online validator badge.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert '"validatorUrl": null' in html


@pytest.mark.browser
@needs_chromium
# The live server reads through another connection; the rollback is serialized because
# data migrations seed rows a plain flush would empty for the next test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_docs_page_renders_offline_in_chinese(live_server, browser):
    local = urlsplit(live_server.url).hostname
    blocked: list[str] = []
    loaded: dict[str, int] = {}

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})

    def only_this_server(route):
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname in (
            local,
            "127.0.0.1",
        ):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", only_this_server)
    page = context.new_page()
    page.on("response", lambda r: loaded.__setitem__(urlsplit(r.url).path, r.status))
    page.goto(live_server.url + DOCS)

    checks = page.locator('.opblock-summary-path[data-path="/api/v1/checks"]').first
    checks.wait_for(state="visible", timeout=15_000)
    # Swagger UI puts zero-width spaces before each "/" so long paths can wrap.
    assert checks.inner_text().replace("\u200b", "") == "/api/v1/checks"

    assert page.title() == api.title == "信用本溪 信用信息共享平台接口"
    assert page.locator(".info .title").inner_text().startswith(api.title)
    description = page.locator(".info .description").inner_text()
    assert "数据归集、共享与信用核查接口" in description
    operations = page.locator(".opblock-summary-description").all_inner_texts()
    assert "发起信用核查" in operations
    assert "查询信用主体的共享信用记录" in operations
    assert page.get_by_role("heading", name="信用信息共享").first.is_visible()

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "api-docs.png"), full_page=True)

    assert blocked == []
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        assert loaded.get(f"/static/ninja/{asset}") == 200, loaded
    assert loaded.get("/api/v1/openapi.json") == 200
    context.close()


@pytest.mark.browser
@needs_chromium
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_swagger_ui_buttons_are_in_chinese(live_server, browser):
    """Swagger UI's own texts are translated by static/api/swagger-zh.js, under the
    enforced CSP (a violation would be a console error), including texts Swagger UI
    writes later (试一试 → 取消, the response after 执行)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(live_server.url + DOCS)
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")

    page.locator(".opblock-summary-path").first.wait_for(state="visible", timeout=15_000)
    authorize = page.locator(".auth-wrapper .authorize").first
    authorize.wait_for(state="visible")
    assert authorize.inner_text().strip() == "授权"
    # The description the platform builds: token how-to, scenario codes from the database.
    description = page.locator(".info .description").inner_text()
    assert "如何获取令牌" in description and "bidding" in description
    assert "访问频率限制" in description and "错误码" in description

    post = page.locator(
        '.opblock-post:has(.opblock-summary-path[data-path="/api/v1/checks"])'
    ).first
    post.locator(".opblock-summary").click()
    body = post.locator(".opblock-body")
    body.wait_for(state="visible")
    assert body.locator(".opblock-section-header h4").first.inner_text() == "参数"
    assert "请求体" in body.locator(".opblock-section-request-body").inner_text()
    assert body.locator(".responses-wrapper h4").first.inner_text() == "响应"
    assert "示例值" in body.inner_text()
    assert '"scenario": "bidding"' in body.locator(".body-param__example").inner_text()
    assert "Try it out" not in body.inner_text()
    # "required" comes from Swagger UI's stylesheet (generated content): swagger-zh.css.
    marker = body.locator(".opblock-section-request-body .parameter__name.required")
    assert marker.evaluate("el => getComputedStyle(el, '::after').content") == '"必填"'

    body.locator("button.try-out__btn").click()
    assert body.locator("button.try-out__btn").inner_text().strip() == "取消"
    execute = body.locator("button.execute")
    assert execute.inner_text().strip() == "执行"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "api-docs-zh-try.png"), full_page=False)

    # Without a token the API answers 401; Swagger's response headings are Chinese too.
    execute.click()
    live = body.locator(".live-responses-table")
    live.wait_for(state="visible", timeout=15_000)
    text = body.inner_text()
    for chinese in ("服务器响应", "响应体", "响应头", "请求地址", "状态码", "清除"):
        assert chinese in text, chinese
    for english in ("Server response", "Response body", "Request URL", "Execute"):
        assert english not in text, english
    # The response body itself is never touched: the API's JSON as sent.
    assert '"code": "unauthorized"' in live.inner_text()
    page.screenshot(path=str(SHOTS / "api-docs-zh-response.png"), full_page=False)

    authorize.click()
    dialog = page.locator(".dialog-ux .modal-ux")
    dialog.wait_for(state="visible")
    dialog_text = dialog.inner_text()
    assert "可用的认证方式" in dialog_text and "值：" in dialog_text
    assert "关闭" in dialog_text and "名称：" in dialog_text
    assert "Name:" not in dialog_text and "Value:" not in dialog_text
    assert "信用办签发" in dialog_text  # the scheme's description from api_docs
    page.screenshot(path=str(SHOTS / "api-docs-zh-authorize.png"), full_page=False)
    dialog.get_by_role("button", name="关闭").first.click()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "api-docs-zh-top.png"), full_page=False)
    assert errors == []
    context.close()
