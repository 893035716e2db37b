"""The collection API over HTTP with a real token."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from .samples import penalty_row, person_penalty_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(api_client_scjg):
    _client, token = api_client_scjg
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_upload_file_then_status_and_report(client, bearer, catalog, tmp_path):
    path = write_csv(
        tmp_path / "处罚.csv", [penalty_row(1), penalty_row(2, **{"处罚决定日期": "x"})]
    )
    with open(path, "rb") as fh:
        response = client.post(
            "/api/v1/batches",
            {"file": fh, "dataset": "penalty", "policy": "reject_failed_rows"},
            **bearer,
        )
    assert response.status_code == 202, response.content
    batch_id = response.json()["id"]
    status = client.get(f"/api/v1/batches/{batch_id}", **bearer).json()
    assert status["state"] == "done"
    assert (status["new_rows"], status["error_rows"]) == (1, 1)
    assert status["errors"][0]["code"] == "date_format"
    assert status["errors"][0]["row"] == 3
    report = client.get(f"/api/v1/batches/{batch_id}/report?format=xlsx", **bearer)
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-4:] == ("结果", "说明", "报送工作日", "是否超期")
    assert [r[-4] for r in rows[1:]] == ["新增", "错误"]
    csv_report = client.get(f"/api/v1/batches/{batch_id}/report?format=csv", **bearer)
    assert "新增" in b"".join(csv_report.streaming_content).decode("utf-8-sig")


def test_json_push_gives_per_item_results(client, bearer, catalog):
    items = [penalty_row(1), penalty_row(2, **{"行政相对人名称": ""}), person_penalty_row(3)]
    response = client.post(
        "/api/v1/records",
        {"dataset": "penalty", "policy": "reject_failed_rows", "items": items},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [i["result"] for i in body["items"]] == ["新增", "错误", "新增"]
    assert body["items"][1]["errors"][0]["code"] == "required"
    # Exchange codes as keys work too, and re-pushing is a no-op.
    again = client.post(
        "/api/v1/records",
        {"dataset": "penalty", "items": [items[0]]},
        content_type="application/json",
        **bearer,
    )
    assert again.json()["items"][0]["result"] == "未变"


def test_json_push_with_nul_characters_is_not_a_server_error(client, bearer, catalog):
    # PostgreSQL cannot store \u0000, not even in an error message quoting the value.
    items = [
        penalty_row(1, **{"处罚决定日期": "\x00"}),
        penalty_row(2, **{"行政相对人名称": "本溪市\x00测试公司"}),
    ]
    for item in items:
        item["违法\x00事实"] = item.pop("违法事实")
    response = client.post(
        "/api/v1/records",
        {"dataset": "penalty", "policy": "reject_failed_rows", "items": items},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [i["result"] for i in body["items"]] == ["错误", "新增"]
    assert body["items"][0]["errors"][0]["code"] == "required"


def test_unknown_token_and_other_department_batches(
    client, bearer, catalog, tmp_path, other_operator
):
    assert client.get("/api/v1/batches/00000000-0000-0000-0000-000000000000").status_code == 401
    bad = {"HTTP_AUTHORIZATION": "Bearer cbx_nope_nope"}
    assert (
        client.get("/api/v1/batches/00000000-0000-0000-0000-000000000000", **bad).status_code == 401
    )
    path = write_csv(tmp_path / "a.csv", [penalty_row(1)])
    with open(path, "rb") as fh:
        batch_id = client.post(
            "/api/v1/batches", {"file": fh, "dataset": "penalty"}, **bearer
        ).json()["id"]
    client.force_login(other_operator)
    response = client.get(f"/api/v1/batches/{batch_id}")
    assert response.status_code == 404
    assert response.json()["message"] == "批次不存在或无权查看"


def test_unknown_dataset_is_a_clear_error(client, bearer, catalog, tmp_path):
    path = write_csv(tmp_path / "a.csv", [penalty_row(1)])
    with open(path, "rb") as fh:
        response = client.post("/api/v1/batches", {"file": fh, "dataset": "nope"}, **bearer)
    assert response.status_code == 404
    assert "未知的信息事项" in response.json()["message"]
