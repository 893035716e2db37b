"""The request id in the logs is always ours; a client's X-Request-ID is kept apart, as the
sanitised, labelled 客户端请求号."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from credit.audit.models import AccessLog, ChangeLog
from tests.collection.samples import penalty_row

pytestmark = pytest.mark.django_db

FORGED = "<script>alert(1)</script>\x01 " + "a" * 100


def test_client_request_id_never_becomes_ours(client, api_client_scjg, auditor_user):
    call_command("load_catalog", verbosity=0)
    _client, token = api_client_scjg
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_REQUEST_ID": FORGED}
    pushed = client.post(
        "/api/v1/records",
        {"dataset": "penalty", "items": [penalty_row(1)]},
        content_type="application/json",
        **auth,
    )
    assert pushed.status_code == 200, pushed.content
    ours = pushed["X-Request-ID"]
    assert len(ours) == 32 and int(ours, 16) >= 0  # made by the server, hex

    uscc = penalty_row(1)["行政相对人代码_1（统一社会信用代码）"]
    read = client.get(f"/api/v1/shared/subjects/{uscc}/records?purpose=行政审批核查", **auth)
    assert read.status_code == 200
    assert read["X-Request-ID"] != ours  # a new id for each request

    change = ChangeLog.objects.get(action="batch_received")
    access = AccessLog.objects.get(resource="records.shared")
    assert change.request_id == ours
    assert access.request_id == read["X-Request-ID"]
    for row in (change, access):
        # Markup, spaces and control characters dropped, capped at 64 characters.
        assert row.client_request_id == ("scriptalert1/script" + "a" * 100)[:64]
        assert FORGED[:10] not in row.request_id

    # The auditor sees both, labelled apart.
    client.force_login(auditor_user)
    for url in ("/console/audit/changes/", "/console/audit/access/"):
        page = client.get(url).content.decode()
        assert "客户端请求号" in page
        assert "scriptalert1/script" in page and "<script>alert" not in page
    admin_page = client.get("/admin/audit/changelog/").content.decode()
    assert "客户端请求号" in admin_page


def test_a_request_without_the_header_has_an_empty_client_id(client, operator_user):
    client.force_login(operator_user)
    response = client.get("/console/")
    assert response.status_code == 200 and len(response["X-Request-ID"]) == 32
