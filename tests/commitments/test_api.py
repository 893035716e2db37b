"""The commitments API (scope commitments:write): list with filters, read, register,
verify 履约 and 失信, with Chinese errors and nothing stored on refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from credit.accounts import services as accounts
from credit.accounts.models import Scope
from credit.audit.models import AccessLog
from credit.collection import services as collection
from credit.commitments.models import Commitment, Fulfilment
from credit.core.actors import Actor
from credit.records.models import Record
from tests.collection.samples import company_uscc

from .samples import commitment_row

pytestmark = pytest.mark.django_db
MADE = dt.date(2026, 9, 30)


@pytest.fixture
def token(system_actor, scjg):
    client = accounts.create_client(
        system_actor, "市场监管审批系统", scjg, [Scope.COMMITMENTS_WRITE]
    )
    return accounts.issue_token(system_actor, client)


@pytest.fixture
def sent(catalog, scjg):
    rows = [commitment_row(1, made=MADE), commitment_row(2, made=MADE, 是否公开="否")]
    batch = collection.submit_rows(
        Actor.system(), dataset_code="commitment", department=scjg, items=rows
    )
    assert batch.state == "done", batch.message
    return {c.code[-1]: c for c in Commitment.objects.all()}


def _client(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_list_and_read(token, sent):
    client = _client(token)
    body = client.get("/api/v1/commitments").json()
    assert body["count"] == 2
    overdue = client.get("/api/v1/commitments", {"due": "overdue"}).json()
    # 核查期限 30 days after 2026-09-30, long past.
    assert overdue["count"] == 2
    assert overdue["items"][0]["due_state_label"] == "逾期未核查"
    by_code = client.get("/api/v1/commitments", {"subject": sent["2"].code}).json()
    assert [i["id"] for i in by_code["items"]] == [sent["2"].pk]
    one = client.get(f"/api/v1/commitments/{sent['1'].pk}").json()
    assert one["code"] == sent["1"].code and one["kind_label"] == "审批替代型"
    # The non-public one was read: access-logged.
    assert AccessLog.objects.filter(resource="commitments.queue").exists()
    bad = client.get("/api/v1/commitments", {"due": "late"})
    assert bad.status_code == 422
    assert client.get("/api/v1/commitments/999999").status_code == 404


def test_register_and_verify(token, catalog, scjg):
    client = _client(token)
    payload = {
        "subject": {
            "name": "本溪市接口承诺有限公司",
            "kind": "法人及非法人组织",
            "uscc": "91210502MA0000701F",
        },
        "kind": "approval",
        "made_on": "2026-11-20",
        "matter": "食品经营许可",
        "reason": "以承诺替代经营场所证明",
        "text": "本单位承诺所提交材料真实有效。",
    }
    payload["subject"]["uscc"] = company_uscc(777)
    response = client.post("/api/v1/commitments", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["code"] == "21050020261120000001"
    assert created["due_on"] is not None  # 审批替代型: the default working-day clock
    kept = client.post(
        f"/api/v1/commitments/{created['id']}/verify",
        {"result": "kept", "note": "核查属实"},
        content_type="application/json",
    )
    assert kept.status_code == 200 and kept.json()["state_label"] == "履约"
    broken = client.post(
        f"/api/v1/commitments/{created['id']}/verify",
        {"result": "broken", "facts": "材料虚假", "decision": "本市监信〔2026〕5号"},
        content_type="application/json",
    )
    assert broken.status_code == 200, broken.json()
    body = broken.json()
    assert body["state"] == "broken"
    breach = Record.objects.get(pk=body["breach_record_id"])
    assert breach.dataset.code == "commitment_breach" and breach.severity == "一般"
    again = client.post(
        f"/api/v1/commitments/{created['id']}/verify",
        {"result": "broken", "facts": "x", "decision": "y"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["message"] == "该承诺已认定失信，不能再次核查"


def test_refusals_store_nothing(token, sent):
    client = _client(token)
    missing = client.post(
        f"/api/v1/commitments/{sent['1'].pk}/verify",
        {"result": "broken", "facts": "", "decision": "本市监信〔2026〕5号"},
        content_type="application/json",
    )
    assert missing.status_code == 400
    assert missing.json()["message"] == "请填写失信事实"
    assert Commitment.objects.get(pk=sent["1"].pk).state == Fulfilment.PENDING
    bad_code = client.post(
        "/api/v1/commitments",
        {
            "subject": {
                "name": "本溪市坏编码有限公司",
                "kind": "法人及非法人组织",
                "uscc": company_uscc(778),
            },
            "kind": "voluntary",
            "made_on": "2026-11-20",
            "matter": "守法经营",
            "reason": "主动承诺",
            "text": "守法诚信经营。",
            "code": "123",
        },
        content_type="application/json",
    )
    assert bad_code.status_code == 422
    assert "承诺编码" in bad_code.json()["message"]
    assert Commitment.objects.count() == 2


def test_scope_and_department(sent, system_actor, scjg, sthj, api_client_scjg):
    _, records_only = api_client_scjg
    assert _client(records_only).get("/api/v1/commitments").status_code == 403
    other = accounts.create_client(system_actor, "生态环境系统", sthj, [Scope.COMMITMENTS_WRITE])
    client = _client(accounts.issue_token(system_actor, other))
    assert client.get("/api/v1/commitments").json()["count"] == 0
    assert client.get(f"/api/v1/commitments/{sent['1'].pk}").status_code == 404
    verify = client.post(
        f"/api/v1/commitments/{sent['1'].pk}/verify",
        {"result": "kept"},
        content_type="application/json",
    )
    assert verify.status_code == 404
    assert Client().get("/api/v1/commitments").status_code == 401
