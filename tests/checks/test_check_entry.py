"""The credit check's own WSGI entry answers as the Django route does, and hands Django
every request it does not own. Each request goes through real WSGI calls: once through
`CheckEntry` and once straight through Django's handler, with the same body and token."""

from __future__ import annotations

import orjson
import pytest

from credit.accounts import services as accounts
from credit.accounts.apiauth import UNAUTHORIZED_BODY
from credit.accounts.models import Scope
from credit.audit.models import AccessLog
from credit.checks.check_entry import CheckEntry
from credit.checks.models import CreditCheck, Feedback
from credit.wsgi import django_application
from tests.wsgi_call import call

from .test_checks_helpers import make_subject, put_on_list, uscc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_connection")]


class CountingDjango:
    """Django's real WSGI handler, counting the requests the entry hands to it."""

    def __init__(self):
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return django_application(environ, start_response)


@pytest.fixture
def django_app():
    return CountingDjango()


@pytest.fixture
def entry(django_app):
    return CheckEntry(django_app)


@pytest.fixture
def token(api_client_scjg):
    return api_client_scjg[1]


def _comparable(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k not in {"id", "created_at"}}


def test_entry_answers_a_check_as_the_django_route_does(entry, django_app, token):
    listed = make_subject("本溪市投标失信工程有限公司", code=uscc(300001))
    put_on_list(listed, "samr_serious_violation")
    body = {"scenario": "bidding", "purpose": "BXZB-2026-009", "subjects": [{"uscc": uscc(300001)}]}

    lean = call(entry, body, token, headers={"HTTP_X_REQUEST_ID": "req-lean-1"})
    assert django_app.calls == 0  # answered by the entry itself
    routed = call(django_application, body, token)

    assert lean["status"] == routed["status"] == 200
    lean_answer, routed_answer = orjson.loads(lean["body"]), orjson.loads(routed["body"])
    assert _comparable(lean_answer) == _comparable(routed_answer)
    assert lean_answer["items"][0]["verdict"] == "命中黑名单"
    assert lean_answer["items"][0]["measures"][0]["code"] == "P-SAMR-02"
    for header in (
        "Content-Type",
        "Content-Language",
        "Vary",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Frame-Options",
    ):
        assert lean["headers"][header] == routed["headers"][header], header
    # Our own request id, never the caller's; the caller's is kept as 客户端请求号.
    request_id = lean["headers"]["X-Request-ID"]
    assert request_id != "req-lean-1" and len(request_id) == 32

    # Stored, audited and awaiting feedback exactly like the routed check.
    stored = CreditCheck.objects.get(pk=lean_answer["id"])
    assert stored.request_id == request_id and stored.client_id is not None
    assert stored.hit_count == 1 and stored.measure_count >= 1
    assert Feedback.objects.filter(check_run=stored).count() == stored.measure_count
    log = AccessLog.objects.get(request_id=request_id)
    assert log.subject_id == listed.pk and log.purpose.endswith(f"#{stored.pk}")
    assert log.client_request_id == "req-lean-1"


def test_entry_answers_service_errors_in_the_api_shape(entry, django_app, token):
    make_subject("本溪市场景测试有限公司", code=uscc(300002))
    body = {
        "scenario": "no_such_scenario",
        "purpose": "测试核查",
        "subjects": [{"uscc": uscc(300002)}],
    }
    lean = call(entry, body, token)
    routed = call(django_application, body, token)
    assert django_app.calls == 0
    assert lean["status"] == routed["status"] == 400
    assert orjson.loads(lean["body"]) == orjson.loads(routed["body"])
    assert "场景" in orjson.loads(lean["body"])["message"]


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("unknown token", 401),
        ("no checks scope", 403),
        ("empty subject list", 422),
        ("not JSON", 400),
        ("form content type", 401),
        ("host not allowed", 400),
    ],
)
def test_entry_hands_what_it_does_not_own_to_django(
    case, status, entry, django_app, token, system_actor, scjg
):
    body = {"scenario": "bidding", "purpose": "测试核查", "subjects": [{"uscc": uscc(300003)}]}
    kwargs = {}
    if case == "unknown token":
        token = "cbx_000000000000_not-a-secret"
    elif case == "no checks scope":
        client = accounts.create_client(system_actor, "只读系统", scjg, [Scope.RECORDS_READ])
        token = accounts.issue_token(system_actor, client)
    elif case == "empty subject list":
        body = {"scenario": "bidding", "purpose": "测试核查", "subjects": []}
    elif case == "not JSON":
        body = b"{not json"
    elif case == "form content type":
        kwargs["content_type"] = "application/x-www-form-urlencoded"
        token = "cbx_000000000000_not-a-secret"
    elif case == "host not allowed":
        kwargs["host"] = "evil.example.com"
    answer = call(entry, body, token, **kwargs)
    assert django_app.calls == 1
    assert answer["status"] == status
    routed = call(django_application, body, token, **kwargs)
    assert (routed["status"], routed["body"]) == (answer["status"], answer["body"])
    assert not CreditCheck.objects.exists()
    if status == 401:
        assert orjson.loads(answer["body"]) == UNAUTHORIZED_BODY
    if status == 422:
        assert orjson.loads(answer["body"])["code"] == "invalid_request"


def test_other_paths_and_methods_go_to_django(entry, django_app, token):
    answer = call(entry, b"", token, path="/api/v1/checks/stats", method="GET")
    assert answer["status"] == 200 and django_app.calls == 1
    answer = call(entry, b"", token, method="GET")
    assert answer["status"] == 405 and django_app.calls == 2


def test_entry_adds_hsts_behind_a_tls_proxy(settings, django_app, token):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    make_subject("本溪市代理测试有限公司", code=uscc(300004))
    entry = CheckEntry(django_app)
    body = {"scenario": "bidding", "purpose": "测试核查", "subjects": [{"uscc": uscc(300004)}]}
    secure = call(entry, body, token, headers={"HTTP_X_FORWARDED_PROTO": "https"})
    plain = call(entry, body, token)
    assert secure["status"] == plain["status"] == 200 and django_app.calls == 0
    assert secure["headers"]["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in plain["headers"]
