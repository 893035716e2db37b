"""The department records API (issue 13): list with filters and paging, read with versions
and publication history, withdraw and correct, with Chinese errors and access logging."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from credit.accounts import services as accounts
from credit.accounts.models import Scope
from credit.audit.models import AccessLog
from credit.collection.models import BatchState
from credit.facts.models import FactEvent
from credit.records import queries
from credit.records.models import Record
from tests.collection.samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def penalties(scjg, run_file, tmp_path):
    today = timezone.localdate()
    rows = [
        penalty_row(1, decided=today - dt.timedelta(days=5)),
        penalty_row(
            2, decided=today - dt.timedelta(days=40), 行政相对人名称="本溪市钢铁贸易有限公司"
        ),
        penalty_row(3, decided=today - dt.timedelta(days=500)),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows))
    assert batch.state == BatchState.DONE, batch.message
    return {n: Record.objects.get(doc_number=f"本市监罚〔2026〕{n}号") for n in (1, 2, 3)}


def _client(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_list_filters_and_pages(api_client_scjg, penalties):
    _, token = api_client_scjg
    client = _client(token)
    body = client.get("/api/v1/records/mine").json()
    assert body["count"] == 3
    assert [item["doc_number"] for item in body["items"]] == [
        "本市监罚〔2026〕1号",
        "本市监罚〔2026〕2号",
        "本市监罚〔2026〕3号",
    ]
    # Decided 500 days ago with a one-year window: ended.
    ended = client.get("/api/v1/records/mine?state=ended").json()
    assert [i["id"] for i in ended["items"]] == [penalties[3].pk]
    assert ended["items"][0]["state_label"] == "公示期满"
    by_name = client.get("/api/v1/records/mine", {"subject": "钢铁"}).json()
    assert [i["id"] for i in by_name["items"]] == [penalties[2].pk]
    uscc = penalties[1].subject.uscc
    assert client.get("/api/v1/records/mine", {"subject": uscc.lower()}).json()["count"] == 1
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert client.get(f"/api/v1/records/mine?decided_from={since}").json()["count"] == 1
    paged = client.get("/api/v1/records/mine?page_size=2&page=2").json()
    assert (paged["pages"], [i["id"] for i in paged["items"]]) == (2, [penalties[3].pk])
    bad = client.get("/api/v1/records/mine?state=gone")
    assert bad.status_code == 422 and "state" in bad.json()["message"]
    # Another department's filter: the credit office's alone.
    refused = client.get(f"/api/v1/records/mine?department={penalties[1].department_id}")
    assert refused.status_code == 403


def test_other_department_sees_nothing(system_actor, sthj, penalties):
    client = accounts.create_client(system_actor, "生态环境系统", sthj, [Scope.RECORDS_WRITE])
    other = _client(accounts.issue_token(system_actor, client))
    assert other.get("/api/v1/records/mine").json()["count"] == 0
    response = other.get(f"/api/v1/records/{penalties[1].pk}")
    assert response.status_code == 404
    assert response.json()["message"] == "信用记录不存在"
    assert (
        other.post(
            f"/api/v1/records/{penalties[1].pk}/withdraw",
            {"reason": "x", "basis": "error"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert Record.objects.get(pk=penalties[1].pk).withdrawn_at is None


def test_read_scope_alone_is_refused(system_actor, scjg, penalties):
    client = accounts.create_client(system_actor, "只读系统", scjg, [Scope.RECORDS_READ])
    reader = _client(accounts.issue_token(system_actor, client))
    response = reader.get("/api/v1/records/mine")
    assert response.status_code == 403
    assert "records:write" in response.json()["message"]


def test_withdraw_then_read_shows_the_document_and_history(api_client_scjg, penalties):
    _, token = api_client_scjg
    client = _client(token)
    target = penalties[1]
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/api/v1/records/{target.pk}/withdraw",
        {
            "reason": "复议撤销",
            "basis": "review",
            "document_number": "本政复决〔2026〕1号",
            "document_date": today,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "withdrawn" and body["state_label"] == "已撤回"
    assert body["withdrawal"]["basis_label"] == "复议决定"
    assert body["visibility_history"][0]["to_label"] == "已撤回"
    assert not queries.public_records().filter(pk=target.pk).exists()
    assert FactEvent.objects.filter(action="withdrawn", fact_ids=[target.pk]).exists()
    again = client.post(
        f"/api/v1/records/{target.pk}/withdraw",
        {"reason": "再次", "basis": "error"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["message"] == "该记录已撤回，不能重复撤回"
    missing = client.post(
        f"/api/v1/records/{penalties[2].pk}/withdraw",
        {"reason": "判决", "basis": "judgment"},
        content_type="application/json",
    )
    assert missing.status_code == 400 and "文书号" in missing.json()["message"]
    # A withdrawn record is not public: reading it is access-logged.
    before = AccessLog.objects.filter(resource="records.department").count()
    client.get(f"/api/v1/records/{target.pk}")
    assert AccessLog.objects.filter(resource="records.department").count() == before + 1


def test_correct_through_the_api(api_client_scjg, penalties):
    _, token = api_client_scjg
    client = _client(token)
    target = penalties[1]
    response = client.post(
        f"/api/v1/records/{target.pk}/correct",
        {
            "reason": "金额更正",
            "changes": {"处罚内容": "警告并处罚款3000元", "罚款金额（万元）": "0.3"},
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 2
    assert [v["version"] for v in body["versions"]] == [1]
    values = {f["label"]: f["value"] for f in body["fields"]}
    assert values["处罚内容"] == "警告并处罚款3000元"
    assert FactEvent.objects.filter(action="corrected", fact_ids=[target.pk]).exists()
    bad = client.post(
        f"/api/v1/records/{target.pk}/correct",
        {"reason": "金额", "changes": {"罚款金额（万元）": "很多"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["details"][0]["message"] == "「罚款金额（万元）」“很多”不是有效的数值"
    assert Record.objects.get(pk=target.pk).version_no == 2


def test_huge_or_unknown_ids_are_not_found(api_client_scjg, penalties):
    _, token = api_client_scjg
    client = _client(token)
    assert client.get("/api/v1/records/99999999999999999999999").status_code in (404, 422)
    assert client.get("/api/v1/records/0").status_code == 404


def test_openapi_fuzz_finds_no_server_error(api_client_scjg, penalties, keep_connection):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error

    from credit.wsgi import application

    _, token = api_client_scjg
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
        path_regex=r"^/api/v1/records/"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4
    statuses: list[int] = []

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of([op.as_strategy() for op in operations]))
    def run(case):
        # Half the cases name a real record, so the services (not only the 404) are reached.
        number = (case.path_parameters or {}).get("record_id")
        if isinstance(number, int) and number % 2 == 0:
            case.path_parameters["record_id"] = penalties[1].pk
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
        )
        statuses.append(response.status_code)

    run()
    assert statuses and all(code < 500 for code in statuses)
