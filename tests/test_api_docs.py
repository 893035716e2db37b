"""The OpenAPI document (issue 11): every POST has a Chinese description and an example
body that the route accepts; the API description lists scenario codes from the database,
scopes, error codes, rate limits and how to get a token."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from credit import api_docs
from credit.accounts.models import Scope
from credit.api_errors import _HTTP_ERRORS
from credit.checks.api import CheckIn, FeedbackIn
from credit.collection.api import PushIn
from credit.collection.dept_api import CorrectIn, WithdrawIn
from credit.measures.models import Scenario
from credit.supervision.api import SampleIn

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")


def _schema(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_post_has_a_chinese_description_and_an_example_body(client):
    posts = [(p, o) for p, m, o in _operations(_schema(client)) if m == "post"]
    assert {p for p, _ in posts} == {
        "/api/v1/batches",
        "/api/v1/records",
        "/api/v1/checks",
        "/api/v1/checks/{check_id}/feedback",
        "/api/v1/records/{record_id}/withdraw",
        "/api/v1/records/{record_id}/correct",
        "/api/v1/repairs/{tracking_number}/accept",
        "/api/v1/repairs/{tracking_number}/reject",
        "/api/v1/repairs/{tracking_number}/extend",
        "/api/v1/repairs/{tracking_number}/decide",
        "/api/v1/repairs/{tracking_number}/revoke",
        "/api/v1/public/objections",
        "/api/v1/objections/{objection_id}/accept",
        "/api/v1/objections/{objection_id}/reject",
        "/api/v1/objections/{objection_id}/self-check",
        "/api/v1/objections/{objection_id}/verify",
        "/api/v1/commitments",
        "/api/v1/commitments/{commitment_id}/verify",
        "/api/v1/samples",
        "/api/v1/public/repairs",
    }
    for path, operation in posts:
        assert CJK.search(operation.get("description", "")), path
        assert CJK.search(operation.get("summary", "")), path
        content = operation["requestBody"]["content"]
        assert content, path
        for media_type, body in content.items():
            assert body.get("example"), f"{path} {media_type} has no example"


def test_every_operation_and_response_is_described_in_chinese(client):
    for path, method, operation in _operations(_schema(client)):
        assert CJK.search(operation["summary"]), (method, path)
        # ninja would fall back to the handler's (English) docstring.
        assert CJK.search(operation.get("description", "")), (method, path)
        for status, response in operation["responses"].items():
            assert CJK.search(response["description"]), (method, path, status)


def test_json_examples_are_valid_requests():
    schema_for = {"/api/v1/records": PushIn, "/api/v1/checks": CheckIn, "/api/v1/samples": SampleIn}
    from credit.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, model in schema_for.items():
        example = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        model.model_validate(example["example"])
    feedback = schema["paths"]["/api/v1/checks/{check_id}/feedback"]["post"]["requestBody"]
    FeedbackIn.model_validate(feedback["content"]["application/json"]["example"])
    for action, model in (("withdraw", WithdrawIn), ("correct", CorrectIn)):
        body = schema["paths"][f"/api/v1/records/{{record_id}}/{action}"]["post"]["requestBody"]
        model.model_validate(body["content"]["application/json"]["example"])


def test_check_example_runs_as_is(client, api_client_scjg):
    _, token = api_client_scjg
    example = _schema(client)["paths"]["/api/v1/checks"]["post"]["requestBody"]["content"]
    response = client.post(
        "/api/v1/checks",
        example["application/json"]["example"],
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content.decode()
    assert response.json()["scenario"]["code"] == "bidding"


def test_description_lists_scenario_codes_from_the_database_at_request_time(client):
    bidding = Scenario.objects.get(code="bidding")
    text = _schema(client)["info"]["description"]
    assert f"| `bidding` | {bidding.name} |" in text
    for code in Scenario.objects.filter(active=True).values_list("code", flat=True):
        assert f"`{code}`" in text
    Scenario.objects.create(code="test_new_scenario", name="新增测试场景", position=999)
    Scenario.objects.filter(code="bidding").update(active=False)
    text = _schema(client)["info"]["description"]
    assert "| `test_new_scenario` | 新增测试场景 |" in text
    assert "`bidding`" not in text.split("## 业务场景代码")[1].split("##")[0]


def test_description_lists_scopes_error_codes_limits_and_how_to_get_a_token(client, settings):
    settings.CREDIT_RATE_LIMIT_TOKEN_PER_MINUTE = 600
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 90
    settings.CREDIT_API_TOKEN_DAYS = 180
    text = _schema(client)["info"]["description"]
    for scope, label in Scope.choices:
        assert f"| `{scope}` | {label} |" in text
    assert set(api_docs.SCOPE_ROUTES) == set(Scope.values)
    codes = {code for code, *_ in api_docs.ERROR_CODES}
    needed = {code for code, _ in _HTTP_ERRORS.values()} | {
        "unauthorized",
        "scope_required",
        "invalid_request",
        "invalid_json",
        "rate_limited",
        "server_error",
        "unknown_scenario",
    }
    assert needed <= codes, needed - codes
    for code in codes:
        assert f"| `{code}` |" in text
    assert "| 携带令牌（按令牌计数） | 每分钟 600 次 |" in text
    assert "每分钟 90 次" in text
    assert "## 如何获取令牌" in text and "签发新令牌" in text
    assert "`Authorization: Bearer cbx_<令牌标识>_<密钥>`" in text
    assert "令牌默认有效期 180 天" in text


def test_every_scope_route_exists(client):
    operations = {f"{m.upper()} {p}" for p, m, _ in _operations(_schema(client))}
    for routes in api_docs.SCOPE_ROUTES.values():
        assert set(routes) <= operations, set(routes) - operations


def test_docs_page_loads_the_local_chinese_script(client):
    assert finders.find("api/swagger-zh.js")
    html = client.get("/api/v1/docs").content.decode()
    # After Swagger UI's bundle is parsed, before the UI starts (the script waits for
    # DOMContentLoaded), and from this server.
    assert html.index("/static/api/swagger-zh.js") < html.index("swagger-ui-init.js")


def test_security_schemes_say_what_to_enter(client):
    schemes = _schema(client)["components"]["securitySchemes"]
    assert set(schemes) == set(api_docs.SCHEME_DESCRIPTIONS)
    for name, scheme in schemes.items():
        assert CJK.search(scheme["description"]), name


def test_no_status_is_described_twice(client):
    """An operation's responses keyed by int and by "200" (openapi_extra) would be one
    duplicate JSON key, which Swagger UI refuses (the whole docs page stays empty)."""
    text = client.get("/api/v1/openapi.json").content.decode()
    assert text.count('"/api/v1/notices":') == 1
    schema = client.get("/api/v1/openapi.json").json()
    pull = schema["paths"]["/api/v1/notices"]["get"]["responses"]["200"]
    assert "example" in pull["content"]["application/json"]
    assert "schema" in pull["content"]["application/json"]
