"""Everyone sees Chinese, whatever language the browser asks for."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_gets_chinese_pages_and_form_errors(client):
    page = client.get("/console/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    assert page["Content-Language"] == "zh-hans"
    refused = client.post("/console/login/", {}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = refused.content.decode()
    assert "这个字段是必填项" in text and "This field is required" not in text
