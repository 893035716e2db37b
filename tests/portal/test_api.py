"""The public read API: same visibility and masking as the pages, rate-limited."""

from __future__ import annotations

import pytest
from django.test import override_settings

from .conftest import COMPANY, COMPANY_USCC, LEGAL_REP_ID, PERSON, PERSON_ID

pytestmark = pytest.mark.django_db


def test_search(client, portal_data):
    body = client.get("/api/v1/public/subjects", {"q": "钢铁贸易"}).json()
    assert body["total"] == 1
    item = body["items"][0]
    assert (item["name"], item["uscc"], item["licences"], item["penalties"]) == (
        COMPANY,
        COMPANY_USCC,
        1,
        1,
    )
    assert item["id"] == portal_data.company.public_id
    assert client.get("/api/v1/public/subjects", {"q": PERSON}).json()["total"] == 0


def test_profile(client, portal_data):
    body = client.get(f"/api/v1/public/subjects/{portal_data.company.public_id}").json()
    assert [r["doc_number"] for r in body["penalties"]] == ["本市监罚〔2026〕901号"]
    assert [r["doc_number"] for r in body["licences"]] == ["本市监许〔2026〕905号"]
    assert body["legal_rep"] == "张三" and body["id_number"] == ""
    raw = client.get(f"/api/v1/public/subjects/{portal_data.company.public_id}").content.decode()
    assert LEGAL_REP_ID not in raw and "法定代表人证件号码" not in raw


def test_person_profile_is_masked(client, portal_data):
    response = client.get(f"/api/v1/public/subjects/{portal_data.person.public_id}")
    body = response.json()
    assert body["name"] == "欧阳**"
    assert body["id_number"] == PERSON_ID[:6] + "********" + PERSON_ID[-4:]
    raw = response.content.decode()
    assert "欧阳**" in raw  # the check below reads real text, not escapes
    assert PERSON not in raw and PERSON_ID not in raw


def test_unknown_subject(client, portal_data):
    response = client.get("/api/v1/public/subjects/nope")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@override_settings(CREDIT_RATE_LIMIT_PER_MINUTE=2)
def test_rate_limited(client, portal_data):
    for _ in range(2):
        assert client.get("/api/v1/public/subjects", {"q": "钢铁"}).status_code == 200
    response = client.get("/api/v1/public/subjects", {"q": "钢铁"})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited" and int(response["Retry-After"]) >= 1


def test_documented_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/public/subjects" in schema["paths"]
    assert "/api/v1/public/subjects/{public_id}" in schema["paths"]
    operation = schema["paths"]["/api/v1/public/subjects"]["get"]
    assert operation["summary"] == "信用主体查询" and "security" not in operation
