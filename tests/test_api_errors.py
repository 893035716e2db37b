"""Every error the HTTP API gives is {"code", "message"} in Chinese: a body that is not
JSON, a body or parameter the schema refuses (with Chinese details per field), a method
the path does not accept, and ninja's own HTTP errors and Django's 404.

The credit check requests also go through the platform's real WSGI application
(`credit.wsgi.application`, with the check's lean entry in front of Django), which is
what a department system reaches.
"""

from __future__ import annotations

import orjson
import pytest
from django.http import Http404
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, field_validator

from credit.api import install_error_handlers
from credit.checks.resolve import MAX_SUBJECTS
from credit.wsgi import application
from tests.wsgi_call import call

pytestmark = pytest.mark.django_db

CHECKS = "/api/v1/checks"


@pytest.fixture
def token(api_client_scjg):
    return api_client_scjg[1]


@pytest.fixture
def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post(client, url, body, bearer):
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    return client.post(url, raw, content_type="application/json", **bearer)


def _wsgi(body: bytes, token: str, method: str = "POST"):
    """One request through the deployed WSGI application (check entry + Django)."""
    seen = call(application, body, token, path=CHECKS, method=method)
    seen["body"] = orjson.loads(seen["body"])
    return seen


# --- a body that is not JSON ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"scenario": "bidding" "subjects": []}', "请求体不是有效的 JSON（第 1 行第 24 列附近）"),
        (
            b'{\n  "scenario": "bidding",\n  "subjects": [,]\n}',
            "请求体不是有效的 JSON（第 3 行第 16 列附近）",
        ),
        ('{"scenario": "招标"}'.encode("gb18030"), "请求体不是有效的 JSON（应为 UTF-8 编码）"),
    ],
    ids=["missing comma", "second line", "not utf-8"],
)
def test_body_that_is_not_json_is_400_invalid_json(client, bearer, raw, message):
    response = _post(client, CHECKS, raw, bearer)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "invalid_json", "message": message}


def test_deployed_application_words_a_broken_body_the_same(token, keep_connection):
    answer = _wsgi(b'{"scenario": "bidding" "subjects": []}', token)
    assert answer["status"] == 400
    assert answer["body"] == {
        "code": "invalid_json",
        "message": "请求体不是有效的 JSON（第 1 行第 24 列附近）",
    }


# --- a body the schema refuses ------------------------------------------------------------

EMPTY_SUBJECTS = {
    "code": "invalid_request",
    "message": "请求参数不正确：subjects 至少需要 1 项",
    "details": [
        {
            "field": "subjects",
            "loc": ["body", "subjects"],
            "type": "too_short",
            "message": "至少需要 1 项",
        }
    ],
}


def test_empty_subject_list_is_422_in_chinese(client, bearer):
    response = _post(
        client, CHECKS, {"scenario": "bidding", "purpose": "测试核查", "subjects": []}, bearer
    )
    assert response.status_code == 422
    assert response.json() == EMPTY_SUBJECTS


def test_deployed_application_words_an_invalid_body_the_same(token, keep_connection):
    answer = _wsgi(
        orjson.dumps({"scenario": "bidding", "purpose": "测试核查", "subjects": []}), token
    )
    assert answer["status"] == 422
    assert answer["body"] == EMPTY_SUBJECTS


def test_every_problem_has_a_field_path_and_a_chinese_message(client, bearer):
    body = {"subjects": [{"uscc": 91210500}, {"name": "甲" * 201}], "purpose": ["x"]}
    response = _post(client, CHECKS, body, bearer)
    assert response.status_code == 422
    answer = response.json()
    assert answer["code"] == "invalid_request"
    problems = {d["field"]: (d["type"], d["message"]) for d in answer["details"]}
    assert problems == {
        "scenario": ("missing", "缺少必填字段"),
        "purpose": ("string_type", "类型不正确（应为字符串）"),
        "subjects.0.uscc": ("string_type", "类型不正确（应为字符串）"),
        "subjects.1.name": ("string_too_long", "长度不能超过 200 个字符"),
    }
    first = answer["details"][0]
    assert (
        answer["message"] == f"请求参数不正确：{first['field']} {first['message']}；另有 3 处问题"
    )
    assert {tuple(d["loc"]) for d in answer["details"]} >= {("body", "subjects", 1, "name")}
    # Nothing of pydantic's English wording reaches the caller.
    assert (
        "msg" not in response.content.decode() and "Field required" not in response.content.decode()
    )


def test_too_many_subjects_names_the_limit(client, bearer):
    subjects = [{"name": "本溪市某公司"}] * (MAX_SUBJECTS + 1)
    response = _post(
        client, CHECKS, {"scenario": "bidding", "purpose": "测试核查", "subjects": subjects}, bearer
    )
    assert response.status_code == 422
    assert response.json()["message"] == f"请求参数不正确：subjects 最多 {MAX_SUBJECTS} 项"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "请求参数不正确：缺少请求体（应为 JSON 对象）"),
        (b"[1, 2]", "请求参数不正确：请求体 类型不正确（应为对象）"),
    ],
    ids=["empty", "array"],
)
def test_body_that_is_no_object(client, bearer, raw, message):
    response = _post(client, CHECKS, raw, bearer)
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert response.json()["details"][0]["field"] == ""


def test_feedback_flag_must_be_a_boolean(client, bearer):
    body = {"items": [{"index": 0, "measure": "P-SAMR-02", "applied": "也许"}]}
    response = _post(client, f"{CHECKS}/1/feedback", body, bearer)
    assert response.status_code == 422
    assert response.json()["message"] == (
        "请求参数不正确：items.0.applied 类型不正确（应为布尔值 true 或 false）"
    )


def test_path_and_query_parameters_are_named_without_a_body_prefix(client, bearer):
    response = client.get(f"{CHECKS}/abc", **bearer)
    assert response.status_code == 422
    assert response.json()["details"] == [
        {
            "field": "check_id",
            "loc": ["path", "check_id"],
            "type": "int_parsing",
            "message": "类型不正确（应为整数）",
        }
    ]
    response = client.get("/api/v1/shared/subjects/x/records?purpose=a", **bearer)
    assert response.status_code == 422
    assert response.json()["message"] == "请求参数不正确：purpose 长度至少为 2 个字符"
    response = client.get("/api/v1/shared/subjects/x/records", **bearer)
    assert response.json()["message"] == "请求参数不正确：purpose 缺少必填字段"


def test_choice_outside_the_allowed_values_lists_them(client, bearer):
    response = client.get("/api/v1/batches/abc/report?format=pdf", **bearer)
    assert response.status_code == 422
    assert response.json()["message"] == (
        "请求参数不正确：format 取值不在允许范围内（允许：xlsx、csv）"
    )


# --- a method the path does not accept --------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [("get", CHECKS, "POST"), ("delete", f"{CHECKS}/1", "GET"), ("put", "/api/v1/batches", "POST")],
)
def test_wrong_method_is_405_json_with_allow(client, bearer, method, url, allowed):
    response = getattr(client, method)(url, **bearer)
    assert response.status_code == 405
    assert response["Allow"] == allowed
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "method_not_allowed",
        "message": f"不支持该请求方法（允许：{allowed}）",
    }


def test_deployed_application_answers_a_wrong_method_in_json(token, keep_connection):
    answer = _wsgi(b"", token, method="GET")
    assert answer["status"] == 405 and answer["headers"]["Allow"] == "POST"
    assert answer["body"]["code"] == "method_not_allowed"


def test_right_method_still_answers(client, bearer):
    response = client.get(f"{CHECKS}/overdue", **bearer)
    assert response.status_code == 200 and response.json()["count"] == 0


# --- errors raised inside handlers, on an API of their own ------------------------------
# install_error_handlers is what every NinjaAPI of the platform uses; these routes raise
# what ninja, Django and pydantic validators raise in real handlers.

errors_api = NinjaAPI(urls_namespace="errors_test_api")
install_error_handlers(errors_api)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")
    code: str

    @field_validator("code")
    @classmethod
    def code_is_upper(cls, value: str) -> str:
        if value != value.upper():
            raise ValueError("编码应为大写字母")
        if value.startswith("X"):
            raise ValueError("must not start with X")
        return value


@errors_api.post("/strict")
def strict(request, payload: Strict):
    return {"code": payload.code}


@errors_api.get("/missing/{name}")
def missing(request, name: str):
    if name == "english":
        raise Http404("No Thing matches the given query.")
    raise Http404("该事项不存在")


@errors_api.get("/teapot")
def teapot(request):
    raise HttpError(403, "Forbidden")


urlpatterns = [path("errors/", errors_api.urls)]


@pytest.mark.urls(__name__)
def test_validator_messages_in_chinese_are_kept_english_ones_are_not(client):
    def post(body):
        return client.post("/errors/strict", body, content_type="application/json").json()

    assert post({"code": "abc"})["message"] == "请求参数不正确：code 编码应为大写字母"
    assert post({"code": "XA"})["message"] == "请求参数不正确：code 取值不正确"
    answer = post({"code": "AB", "extra": 1})
    assert answer["details"] == [
        {
            "field": "extra",
            "loc": ["body", "extra"],
            "type": "extra_forbidden",
            "message": "不允许的字段",
        }
    ]


@pytest.mark.urls(__name__)
def test_not_found_and_other_http_errors_are_chinese(client):
    english = client.get("/errors/missing/english")
    assert english.status_code == 404
    assert english.json() == {"code": "not_found", "message": "未找到请求的资源"}
    assert client.get("/errors/missing/x").json() == {
        "code": "not_found",
        "message": "该事项不存在",
    }
    forbidden = client.get("/errors/teapot")
    assert forbidden.status_code == 403
    assert forbidden.json() == {"code": "forbidden", "message": "无权访问该接口"}


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/api/v1/nothing", "/api/v1/checks/x/y", "/api/v2/checks"])
def test_an_unknown_api_address_answers_json(client, address):
    response = client.get(address)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "not_found" and "接口不存在" in body["message"]


def test_the_check_endpoints_document_their_422_answer():
    from credit.api import api

    spec = api.get_openapi_schema()
    # Keyed as the JSON document has it (api_docs merges ninja's int keys into strings).
    answer = spec["paths"]["/api/v1/checks"]["post"]["responses"]["422"]
    ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = spec["components"]["schemas"][ref]["properties"]
    assert {"code", "message", "details"} <= set(fields)
