"""The objection flow over HTTP: the portal form with materials, the status page and API,
the department API, the console queue and actions, and the 异议标注 on the record page,
the profile and the public API while the objection is open, gone after."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from credit.accounts import services as accounts
from credit.accounts.models import Scope
from credit.applications.models import Application
from credit.audit.models import AccessLog
from credit.core import ratelimit
from credit.core.actors import Actor
from credit.portal.opaque import record_token
from tests.objections.conftest import PDF, company_party
from tests.portal.conftest import COMPANY, COMPANY_USCC

pytestmark = pytest.mark.django_db

MARKER = "异议处理中"


def _form(**overrides) -> dict:
    party = company_party()
    data = {
        "subject_name": party.subject_name,
        "uscc": party.uscc,
        "id_number": "",
        "applicant_name": party.applicant_name,
        "applicant_phone": party.applicant_phone,
        "applicant_relationship": party.applicant_relationship,
        "agent_name": "",
        "agent_phone": "",
        "agent_relationship": "",
        "reason": "处罚金额登记错误",
    }
    data.update(overrides)
    return data


def _pdf_file(name="营业执照.pdf", data=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def no_general_limit(settings):
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000


def profile_text(client, public_id) -> str:
    return client.get(f"/subjects/{public_id}/").content.decode()


def _submit_on_portal(client, record, **overrides):
    data = _form(**overrides)
    data["materials"] = [_pdf_file()]
    return client.post(f"/objections/new/{record_token(record.pk)}/", data)


def test_portal_flow_to_outcome_with_the_marker_while_open(
    portal_data, no_general_limit, admin_user, operator_user
):
    record = portal_data.public_penalty
    token = record_token(record.pk)
    public = Client()
    page = public.get(f"/publicity/records/{token}/")
    assert "对该信息提出异议" in page.content.decode()
    assert MARKER not in page.content.decode()

    response = _submit_on_portal(public, record)
    assert response.status_code == 200
    body = response.content.decode()
    tracking = re.search(r'id="tracking-number">([A-Z0-9]+)<', body).group(1)
    code = re.search(r'id="query-code">([A-Z0-9]+)<', body).group(1)
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )

    status = public.post("/applications/status/", {"tracking_number": tracking, "query_code": code})
    assert status.status_code == 200
    assert "待受理" in status.content.decode()

    office = Client()
    office.force_login(admin_user)
    objection = Application.objects.get(tracking_number=tracking).objection
    queue = office.get("/console/objections/")
    assert tracking in queue.content.decode()
    detail = office.get(f"/console/objections/{objection.pk}/")
    assert detail.status_code == 200
    assert AccessLog.objects.filter(resource="applications.application").exists()
    material = objection.application.materials.get()
    download = office.get(f"/console/objections/{objection.pk}/materials/{material.pk}/")
    assert download.status_code == 200 and download.content == PDF
    assert (
        office.post(f"/console/objections/{objection.pk}/accept/", {"note": "核验无误"}).status_code
        == 302
    )

    # Marked on the record page, the profile and the public API while open.
    assert MARKER in public.get(f"/publicity/records/{token}/").content.decode()
    profile = public.get(f"/subjects/{portal_data.company.public_id}/").content.decode()
    assert MARKER in profile
    api = public.get(f"/api/v1/public/subjects/{portal_data.company.public_id}").json()
    flags = {r["doc_number"]: r["disputed"] for r in api["penalties"]}
    assert flags[record.doc_number] is True
    # The profile's section rows (facts.dossier) carry it: by record id in the API.
    section_flags = {
        row["id"]: row["disputed"]
        for section in api["sections"]
        for dataset in section["datasets"]
        for row in dataset["records"]
    }
    assert section_flags[token] is True
    assert sum(section_flags.values()) == 1
    # The console's subject page shows the same sections with the marker.
    console_page = office.get(f"/console/subjects/{portal_data.company.public_id}/")
    assert MARKER in console_page.content.decode()

    assert (
        office.post(
            f"/console/objections/{objection.pk}/self-check/", {"note": "非平台差错"}
        ).status_code
        == 302
    )
    department = Client()
    department.force_login(operator_user)
    assert tracking in department.get("/console/objections/").content.decode()
    assert (
        department.post(
            f"/console/objections/{objection.pk}/verify/", {"outcome": "upheld", "note": "处罚有效"}
        ).status_code
        == 302
    )

    assert MARKER not in public.get(f"/publicity/records/{token}/").content.decode()
    api = public.get(f"/api/v1/public/subjects/{portal_data.company.public_id}").json()
    assert not any(r["disputed"] for r in api["penalties"])
    assert not any(
        row["disputed"]
        for section in api["sections"]
        for dataset in section["datasets"]
        for row in dataset["records"]
    )
    assert MARKER not in profile_text(public, portal_data.company.public_id)
    answer = public.get(
        f"/api/v1/public/applications/{tracking}", headers={"X-Query-Code": code}
    ).json()
    assert answer["state"] == "已办结"
    assert answer["outcome"] == "维持"
    assert [s["step"] for s in answer["steps"]] == ["受理", "平台自查", "部门协查", "告知申请人"]
    assert all(s["due_on"] for s in answer["steps"])


def test_portal_form_refuses_bad_input_with_the_reason_and_stores_nothing(
    portal_data, no_general_limit
):
    client = Client()
    record = portal_data.public_penalty
    wrong = _form()
    wrong["materials"] = [_pdf_file("a.pdf", b"not a pdf at all")]
    response = client.post(f"/objections/new/{record_token(record.pk)}/", wrong)
    assert response.status_code == 400
    assert "不是 PDF、JPG、PNG 或 OFD 文件" in response.content.decode()
    response = _submit_on_portal(client, record, uscc="")
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()
    assert not Application.objects.exists()
    assert client.get("/objections/new/not-a-token/").status_code == 404


def test_portal_submissions_are_rate_limited_per_address_in_chinese(
    portal_data, settings, monkeypatch
):
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 1_000_000
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 2
    # One fixed moment, so the requests cannot straddle a minute.
    monkeypatch.setattr(ratelimit, "_clock", lambda: 1_800_000_000.0)
    client = Client()
    record = portal_data.public_penalty
    assert _submit_on_portal(client, record).status_code == 200
    assert _submit_on_portal(client, record).status_code == 200
    refused = _submit_on_portal(client, record)
    assert refused.status_code == 429
    assert "访问过于频繁" in refused.content.decode()
    assert Application.objects.count() == 2
    # The API shares the count and answers in JSON.
    api = client.post("/api/v1/public/objections", {**_form(), "record": record_token(record.pk)})
    assert api.status_code == 429
    assert api.json()["code"] == "rate_limited"


def test_public_api_submits_and_reports_status(portal_data, no_general_limit):
    client = Client()
    record = portal_data.public_penalty
    data = {**_form(), "record": record_token(record.pk), "materials": [_pdf_file()]}
    response = client.post("/api/v1/public/objections", data)
    assert response.status_code == 201, response.content
    created = response.json()
    status = client.get(
        f"/api/v1/public/applications/{created['tracking_number']}",
        headers={"X-Query-Code": created["query_code"]},
    )
    assert status.status_code == 200
    assert status.json()["steps"][0]["step"] == "受理"
    wrong = client.get(
        f"/api/v1/public/applications/{created['tracking_number']}",
        headers={"X-Query-Code": "WRONG"},
    )
    assert wrong.status_code == 404
    assert wrong.json()["message"] == "受理编号或查询码不正确"
    bad = client.post(
        "/api/v1/public/objections",
        {**_form(uscc=COMPANY_USCC), "record": record_token(record.pk),
         "materials": [_pdf_file("x.pdf", b"")]},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "空文件" in bad.json()["message"]
    assert Application.objects.count() == 1


def test_department_api_handles_the_queue_with_its_scope(
    portal_data, no_general_limit, scjg, sthj, admin_user
):
    system = Actor.system("测试")
    record = portal_data.public_penalty
    client = Client()
    created = client.post(
        "/api/v1/public/objections",
        {**_form(), "record": record_token(record.pk), "materials": [_pdf_file()]},
    ).json()
    objection = Application.objects.get(tracking_number=created["tracking_number"]).objection
    office = Client()
    office.force_login(admin_user)
    accepted = office.post(
        f"/api/v1/objections/{objection.pk}/accept",
        {"note": "核验无误"},
        content_type="application/json",
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "self_check"
    office.post(
        f"/api/v1/objections/{objection.pk}/self-check",
        {"platform_error": False, "note": "转协查"},
        content_type="application/json",
    )
    token = accounts.issue_token(
        system, accounts.create_client(system, "市场监管异议系统", scjg, [Scope.OBJECTIONS_HANDLE])
    )
    other = accounts.issue_token(
        system, accounts.create_client(system, "环保异议系统", sthj, [Scope.OBJECTIONS_HANDLE])
    )
    wrong_scope = accounts.issue_token(
        system, accounts.create_client(system, "市场监管核查系统", scjg, [Scope.CHECKS_RUN])
    )
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/objections?overdue=false", headers=auth).json()
    assert [i["tracking_number"] for i in listed["items"]] == [created["tracking_number"]]
    assert listed["items"][0]["current_step"] == "部门协查"
    assert (
        client.get("/api/v1/objections", headers={"Authorization": f"Bearer {other}"}).json()[
            "count"
        ]
        == 0
    )
    assert (
        client.get(
            "/api/v1/objections", headers={"Authorization": f"Bearer {wrong_scope}"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/objections/{objection.pk}/verify",
            {"outcome": "deleted", "note": "决定已撤销"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {other}"},
        ).status_code
        == 404
    )
    done = client.post(
        f"/api/v1/objections/{objection.pk}/verify",
        {"outcome": "deleted", "note": "决定已撤销"},
        content_type="application/json",
        headers=auth,
    )
    assert done.status_code == 200, done.content
    assert done.json()["outcome"] == "deleted"
    # Deleted: the record left the portal.
    assert client.get(f"/publicity/records/{record_token(record.pk)}/").status_code == 404


def test_window_entry_by_the_credit_office(
    portal_data, no_general_limit, admin_user, operator_user
):
    office = Client()
    office.force_login(admin_user)
    data = _form(fact_kind="record", doc_number=portal_data.public_penalty.doc_number)
    data["materials"] = [_pdf_file()]
    response = office.post("/console/objections/window/", data)
    assert response.status_code == 200, response.content.decode()
    application = Application.objects.get()
    assert application.channel == "window"
    assert application.entered_by == admin_user
    department = Client()
    department.force_login(operator_user)
    assert department.get("/console/objections/window/").status_code == 403
    assert COMPANY in application.subject_name
