"""NUL characters never reach the database: every route answers a Chinese 4xx.

PostgreSQL refuses NUL in any text parameter, so before these checks each of these requests
gave a 500 there (SQLite stored or compared it silently). Run on both databases.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from credit.collection.models import Batch

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "空字符"


@pytest.fixture
def bearer(api_client_scjg):
    call_command("load_catalog", verbosity=0)
    return {"HTTP_AUTHORIZATION": f"Bearer {api_client_scjg[1]}"}


def _upload(**fields):
    return {"file": SimpleUploadedFile("p.csv", "行政相对人名称\n甲\n".encode("gb18030")), **fields}


def _json_refusal(response, status=400, text=NUL_MESSAGE):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert text in str(body), body
    return body


def test_api_routes_refuse_nul(client, bearer):
    _json_refusal(client.post("/api/v1/batches", _upload(dataset="pen\x00alty"), **bearer))
    _json_refusal(
        client.post("/api/v1/batches", _upload(dataset="penalty", department="\x00"), **bearer)
    )
    refused = _json_refusal(
        client.post(
            "/api/v1/records",
            {"dataset": "pen\x00alty", "items": [{"行政相对人名称": "甲"}]},
            content_type="application/json",
            **bearer,
        ),
        status=422,
        text="不能包含控制字符",
    )
    assert refused["details"][0]["field"] == "dataset"
    for url in (
        "/api/v1/shared/subjects/ab%00c/records?purpose=行政审批核查",
        "/api/v1/shared/subjects/91210502MA0000001X/records?purpose=%E6%A0%B8%00",
        "/api/v1/batches/%00",
        "/api/v1/batches/00000000-0000-0000-0000-000000000000/report?format=c%00sv",
        "/api/v1/checks/1%00",
    ):
        _json_refusal(client.get(url, **bearer))
    assert not Batch.objects.exists()


def test_anonymous_public_api_refuses_nul(client):
    _json_refusal(client.get("/api/v1/public/subjects/ab%00c"))
    _json_refusal(client.get("/api/v1/public/subjects?q=%E6%9C%AC%00"))


def test_pages_refuse_nul_in_the_address(client, operator_user):
    for url in ("/subjects/ab%00c/", "/search/?q=%00", "/publicity/records/a%00/"):
        response = client.get(url)
        assert response.status_code == 400, url
        page = response.content.decode()
        assert NUL_MESSAGE in page and "请求无法处理" in page
    client.force_login(operator_user)
    response = client.get("/console/batches/?state=%00")
    assert response.status_code == 400


def test_console_forms_name_the_field_instead(client, operator_user):
    """A console form shows the problem next to the field (SafeInputMixin) rather than a
    bare 400, and nothing is stored."""
    call_command("load_catalog", verbosity=0)
    client.force_login(operator_user)
    response = client.post("/console/upload/", _upload(dataset="pen\x00alty", policy="reject_all"))
    assert response.status_code == 200
    assert "有效的选项" in response.content.decode() or "控制字符" in response.content.decode()
    response = client.post(
        "/console/checks/new/", {"scenario": "bidding", "name": "本溪\x00钢铁", "purpose": ""}
    )
    assert response.status_code == 200 and "不能包含控制字符" in response.content.decode()
    assert not Batch.objects.exists()
