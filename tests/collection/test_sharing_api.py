"""Departments receive shared records by API, ID numbers masked, every read logged."""

import pytest

from credit.audit.models import AccessLog

from .samples import penalty_row, person_penalty_row, write_csv

pytestmark = pytest.mark.django_db


def test_shared_records_are_masked_and_logged(client, api_client_scjg, scjg, run_file, tmp_path):
    _client, token = api_client_scjg
    person = person_penalty_row(5)
    run_file(scjg, write_csv(tmp_path / "a.csv", [penalty_row(1)]))
    from credit.collection import services
    from credit.core.actors import Actor

    services.submit_rows(Actor.system(), dataset_code="penalty", department=scjg, items=[person])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    uscc = penalty_row(1)["行政相对人代码_1（统一社会信用代码）"]
    response = client.get(f"/api/v1/shared/subjects/{uscc}/records?purpose=行政审批核查", **auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "本溪市测试商贸有限公司1"
    assert body["records"][0]["document_number"] == "本市监罚〔2026〕1号"
    log = AccessLog.objects.get()
    assert (log.purpose, log.resource, log.actor_label) == (
        "行政审批核查",
        "records.shared",
        log.actor_label,
    )
    assert log.subject_label == "本溪市测试商贸有限公司1"

    from credit.subjects.models import Subject

    someone = Subject.objects.get(kind="person")
    body = client.get(
        f"/api/v1/shared/subjects/{someone.public_id}/records?purpose=核查", **auth
    ).json()
    values = {f["code"]: f["value"] for f in body["records"][0]["fields"]}
    assert person["证件号码"] not in str(body)
    assert values["CF_XDR_ZJHM"] == person["证件号码"][:6] + "********" + person["证件号码"][-4:]


def test_purpose_is_required(client, api_client_scjg, catalog):
    _client, token = api_client_scjg
    response = client.get("/api/v1/shared/subjects/x/records", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert response.json()["message"] == "请求参数不正确：purpose 缺少必填字段"


def test_every_shared_dataset_comes_with_its_catalog_meaning(
    client, api_client_scjg, scjg, run_file, tmp_path
):
    import datetime as dt

    from ..records.samples import licence_row

    _client, token = api_client_scjg
    penalty = penalty_row(7)
    uscc = penalty["行政相对人代码_1（统一社会信用代码）"]
    assert run_file(scjg, write_csv(tmp_path / "p.csv", [penalty])).error_rows == 0
    today = dt.date.today()
    licence = licence_row(
        7,
        decided=today - dt.timedelta(days=2),
        until=today + dt.timedelta(days=300),
        **{
            "行政相对人名称": penalty["行政相对人名称"],
            "行政相对人代码_1（统一社会信用代码）": uscc,
        },
    )
    batch = run_file(scjg, write_csv(tmp_path / "l.csv", [licence]), dataset="licence")
    assert batch.error_rows == 0, batch.message
    body = client.get(
        f"/api/v1/shared/subjects/{uscc}/records",
        {"purpose": "行政审批核查"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    by_dataset = {r["dataset"]: r for r in body["records"]}
    assert set(by_dataset) == {"penalty", "licence"}
    penalty = by_dataset["penalty"]
    assert (penalty["category"], penalty["section"]) == ("不良", "行政管理")
    assert by_dataset["licence"]["category"] == "基础"
    # Displayed: the catalog's record fields that have a value, in the catalog's order,
    # each as it appears among all the shared fields.
    shared = {f["code"]: f for f in penalty["fields"]}
    assert penalty["displayed"] and all(shared[f["code"]] == f for f in penalty["displayed"])
    assert [f["code"] for f in penalty["displayed"]][:2] == ["CF_XDR_MC", "CF_XDR_LB"]
    assert "CF_XDR_ZJHM" not in {f["code"] for f in penalty["displayed"]}
