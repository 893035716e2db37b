"""Repair API: the public self-check by the profile's record id, and the deciding
department's queue and actions over HTTP (scope repairs:decide)."""

from __future__ import annotations

import pytest
from django.test import Client

from credit.accounts.models import Scope
from credit.audit.models import AccessLog
from credit.records.models import Record, Visibility
from tests.notices.conftest import make_client
from tests.repairs.conftest import NEW_DOC, OLD_DOC
from tests.repairs.test_repair_kernel import apply_for

pytestmark = pytest.mark.django_db


def _profile_ids(company) -> dict[str, str]:
    got = Client().get(f"/api/v1/public/subjects/{company.public_id}").json()
    return {r["doc_number"]: r["id"] for r in got["penalties"]}


def test_public_eligibility_by_the_profiles_record_id(repair_world):
    ids = _profile_ids(repair_world.company)
    old = Client().get("/api/v1/public/repairs/eligibility", {"record": ids[OLD_DOC]})
    assert old.status_code == 200, old.content
    body = old.json()
    assert (body["kind"], body["repairable"], body["eligible"]) == ("penalty_record", True, True)
    assert body["materials"]
    new = Client().get("/api/v1/public/repairs/eligibility", {"record": ids[NEW_DOC]}).json()
    assert new["eligible"] is False and new["earliest"] in new["message"]


@pytest.mark.parametrize("token", ["x", "A" * 22, "not a token at all"])
def test_public_eligibility_of_an_unknown_record_is_404_in_chinese(repair_world, token):
    got = Client().get("/api/v1/public/repairs/eligibility", {"record": token})
    assert got.status_code == 404
    assert got.json()["message"] == "未找到该公示信息"


def test_department_system_decides_through_the_api(repair_world, scjg, sthj):
    _, token = make_client("市场监管信用修复系统", scjg, [Scope.REPAIRS_DECIDE])
    _, other_token = make_client("生态环境系统", sthj, [Scope.REPAIRS_DECIDE])
    _, unscoped = make_client("无权限系统", scjg, [Scope.RECORDS_WRITE])
    app, _ = apply_for(repair_world.old_penalty)
    auth = {"Authorization": f"Bearer {token}"}
    listed = Client().get("/api/v1/repairs", {"state": "submitted"}, headers=auth).json()
    assert [a["tracking_number"] for a in listed["items"]] == [app.tracking_number]
    assert listed["items"][0]["fact"]["document_number"] == OLD_DOC
    assert AccessLog.objects.filter(resource="repairs.application").exists()
    # Another department's system does not see it; a system without the scope is refused.
    other = Client().get(
        f"/api/v1/repairs/{app.tracking_number}", headers={"Authorization": f"Bearer {other_token}"}
    )
    assert other.status_code == 404
    refused = Client().post(
        f"/api/v1/repairs/{app.tracking_number}/accept",
        {"note": ""},
        content_type="application/json",
        headers={"Authorization": f"Bearer {unscoped}"},
    )
    assert refused.status_code == 403 and "repairs:decide" in refused.json()["message"]

    base = f"/api/v1/repairs/{app.tracking_number}"
    accepted = Client().post(
        f"{base}/accept", {"note": "材料齐全"}, content_type="application/json", headers=auth
    )
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert accepted.json()["decide_due"]
    bad = Client().post(
        f"{base}/decide",
        {"outcome": "maybe", "reason": "x"},
        content_type="application/json",
        headers=auth,
    )
    assert bad.status_code == 422
    empty = Client().post(
        f"{base}/decide",
        {"outcome": "repair", "reason": " "},
        content_type="application/json",
        headers=auth,
    )
    assert empty.status_code == 400 and "决定理由" in empty.json()["message"]
    decided = Client().post(
        f"{base}/decide",
        {"outcome": "repair", "reason": "已履行处罚决定"},
        content_type="application/json",
        headers=auth,
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["state_label"] == "准予修复"
    assert [s["action"] for s in decided.json()["steps"]] == ["submitted", "accepted", "decided"]
    assert Record.objects.get(doc_number=OLD_DOC).visibility == Visibility.REPAIRED
    again = Client().post(
        f"{base}/decide",
        {"outcome": "repair", "reason": "再次"},
        content_type="application/json",
        headers=auth,
    )
    assert again.status_code == 409 and "准予修复" in again.json()["message"]
