"""The credit check API over HTTP with a real token, the console pages, and an
OpenAPI-driven run of schemathesis against the /checks endpoints."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from credit.accounts import services as accounts
from credit.accounts.models import Scope
from credit.audit.models import AccessLog
from credit.checks.models import CreditCheck, Feedback

from .test_checks_helpers import make_subject, put_on_list, uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(api_client_scjg):
    _client, token = api_client_scjg
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def other_bearer(system_actor, sthj):
    client = accounts.create_client(system_actor, "生态环境审批系统", sthj, [Scope.CHECKS_RUN])
    return {"HTTP_AUTHORIZATION": f"Bearer {accounts.issue_token(system_actor, client)}"}


def _post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", **headers)


def test_bidders_checked_for_bidding_then_feedback(client, bearer, other_bearer):
    listed = make_subject("本溪市投标失信工程有限公司", code=uscc(200001))
    put_on_list(listed, "samr_serious_violation")
    make_subject("本溪市投标守法工程有限公司", code=uscc(200002))
    response = _post(
        client,
        "/api/v1/checks",
        {
            "scenario": "bidding",
            "purpose": "本溪市某道路工程招标 BXZB-2026-001",
            "subjects": [
                {"uscc": uscc(200001)},
                {"name": "本溪市投标守法工程有限责任公司"},
                {"name": "不存在的公司"},
            ],
        },
        bearer,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [i["status"] for i in body["items"]] == ["matched", "matched", "not_found"]
    assert body["items"][0]["verdict"] == "命中黑名单"
    assert body["items"][0]["measures"][0]["code"] == "P-SAMR-02"
    assert body["items"][1]["verdict"] == "无不良记录"
    check_id = body["id"]
    stored = CreditCheck.objects.get(pk=check_id)
    assert stored.client_id is not None and stored.user_id is None
    logs = AccessLog.objects.filter(resource="measures.check")
    assert logs.filter(subject_id__isnull=False).count() == 2
    assert logs.get(subject_id__isnull=True).subject_label == "未找到：不存在的公司"

    # Another department: 404, not 403, so ids reveal nothing.
    assert client.get(f"/api/v1/checks/{check_id}", **other_bearer).status_code == 404
    # Reading a stored answer through the API is access-logged, as on the result page.
    assert client.get(f"/api/v1/checks/{check_id}", **bearer).status_code == 200
    reads = AccessLog.objects.filter(purpose=f"查看核查结果（#{check_id}）")
    assert reads.filter(subject_id__isnull=False).count() == 2
    assert (
        _post(
            client,
            f"/api/v1/checks/{check_id}/feedback",
            {"items": [{"index": 0, "measure": "P-SAMR-02", "applied": True}]},
            other_bearer,
        ).status_code
        == 404
    )

    got = client.get(f"/api/v1/checks/{check_id}", **bearer)
    assert got.status_code == 200
    assert got.json()["feedback"][0]["given"] is False

    bad = _post(
        client,
        f"/api/v1/checks/{check_id}/feedback",
        {"items": [{"index": 0, "measure": "P-SAMR-02", "applied": False}]},
        bearer,
    )
    assert bad.status_code == 400 and "理由" in bad.json()["message"]
    ok = _post(
        client,
        f"/api/v1/checks/{check_id}/feedback",
        {"items": [{"index": 0, "measure": "P-SAMR-02", "applied": True, "result": "否决投标"}]},
        bearer,
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["saved"] == 1
    assert Feedback.objects.get(check_run_id=check_id).applied is True

    stats = client.get("/api/v1/checks/stats", **bearer).json()
    assert stats["departments"][0]["measures_applied"] == 1
    assert client.get("/api/v1/checks/stats?month=2026-1", **bearer).status_code == 400
    assert client.get("/api/v1/checks/overdue", **bearer).json()["count"] == 0


def test_scope_and_auth_required(client, system_actor, scjg):
    reader = accounts.create_client(system_actor, "只读系统", scjg, [Scope.RECORDS_READ])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {accounts.issue_token(system_actor, reader)}"}
    body = {"scenario": "bidding", "purpose": "测试核查", "subjects": [{"name": "x"}]}
    assert _post(client, "/api/v1/checks", body, headers).status_code == 403
    assert _post(client, "/api/v1/checks", body, {}).status_code == 401


def test_request_validation(client, bearer):
    too_many = {"scenario": "bidding", "purpose": "测试核查", "subjects": [{"name": "x"}] * 10_001}
    assert _post(client, "/api/v1/checks", too_many, bearer).status_code == 422
    none = {"scenario": "bidding", "purpose": "测试核查", "subjects": []}
    assert _post(client, "/api/v1/checks", none, bearer).status_code == 422
    unknown = _post(
        client, "/api/v1/checks", {"scenario": "x", "purpose": "测试核查", "subjects": [{}]}, bearer
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_scenario"


def test_console_pages(operator_user, other_operator, user_password, tmp_path):
    listed = make_subject("本溪市页面失信有限公司", code=uscc(200010))
    put_on_list(listed, "samr_serious_violation")
    browser = Client()
    assert browser.login(username=operator_user.username, password=user_password)
    assert browser.get("/console/checks/").status_code == 200
    response = browser.post(
        "/console/checks/new/", {"scenario": "bidding", "uscc": uscc(200010), "purpose": "页面"}
    )
    assert response.status_code == 302, response.content.decode()
    detail = browser.get(response["Location"])
    page = detail.content.decode()
    assert "命中黑名单" in page and "P-SAMR-02" in page and "市场监督管理严重违法失信名单" in page
    check = CreditCheck.objects.get()
    saved = browser.post(
        f"/console/checks/{check.pk}/feedback/",
        {"applied-0-P-SAMR-02": "no", "reason-0-P-SAMR-02": "项目已终止"},
    )
    assert saved.status_code == 302
    row = Feedback.objects.get()
    assert row.applied is False and row.reason == "项目已终止"

    path = tmp_path / "投标人.csv"
    path.write_text(
        f"名称,统一社会信用代码,身份证号,地区\n,{uscc(200010)},,\n本溪市页面失信有限公司,,,平山区\n",
        encoding="utf-8-sig",
    )
    with open(path, "rb") as fh:
        batch = browser.post(
            "/console/checks/batch/", {"scenario": "bidding", "purpose": "测试核查", "file": fh}
        )
    assert batch.status_code == 302, batch.content.decode()
    latest = CreditCheck.objects.order_by("-id").first()
    # The same company by code and by name: answered twice, counted once.
    assert latest.subject_count == 2 and latest.hit_count == 1
    assert latest.answer["items"][1]["duplicate_of"] == 0
    result_page = browser.get(f"/console/checks/{latest.pk}/").content.decode()
    assert "与序号 1 为同一主体：措施与反馈见该行" in result_page
    # Feedback is asked for once: only the first row has the measure's inputs.
    assert 'name="applied-0-P-SAMR-02"' in result_page
    assert 'name="applied-1-P-SAMR-02"' not in result_page
    export = browser.get(f"/console/checks/{latest.pk}/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content), read_only=True).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "同一主体，见序号 1" in cells
    assert browser.get("/console/checks/overdue/").status_code == 200
    stats_page = browser.get("/console/checks/stats/").content.decode()
    assert "市场监督管理局" in stats_page

    stranger = Client()
    assert stranger.login(username=other_operator.username, password=user_password)
    assert stranger.get(f"/console/checks/{check.pk}/").status_code == 404


def test_openapi_fuzz_finds_no_server_error(bearer, keep_connection):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error

    from credit.wsgi import application

    make_subject("本溪市模糊测试有限公司", code=uscc(200020))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
        path_regex=r"^/api/v1/checks"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    headers = {"Authorization": bearer["HTTP_AUTHORIZATION"]}
    statuses: list[int] = []

    @settings(
        max_examples=50,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of([op.as_strategy() for op in operations]))
    def run(case):
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        statuses.append(response.status_code)

    run()
    assert statuses and all(code < 500 for code in statuses)
