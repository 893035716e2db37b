"""Window entry of a repair application by the credit office: a paper application names
the fact by its document number, the commitment was signed on paper, the 受理 clock starts
on the day it was received; the tracking number and query code are shown once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from credit.applications.models import Application
from credit.audit.models import ChangeLog
from credit.commitments.models import Commitment
from credit.core import deadlines
from credit.repairs import settings as repair_settings
from credit.repairs.models import RepairApplication
from tests.repairs.conftest import NEW_DOC, OLD_DOC
from tests.repairs.test_repair_portal import form, nothing_stored, upload

pytestmark = pytest.mark.django_db
URL = "/console/repairs/window/"


def window_form(**overrides) -> dict:
    values = {
        **form(),
        "fact_kind": "record",
        "doc_number": OLD_DOC,
        "commitment_accepted": "on",
        "commitment_signed_name": "李四",
    }
    values.update(overrides)
    return values


def office(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_office_enters_a_paper_application_and_sees_the_code_once(
    repair_world, admin_user, settings
):
    client = office(admin_user)
    page = client.get(URL)
    assert page.status_code == 200 and "已签署书面信用修复承诺书" in page.content.decode()
    assert URL in client.get("/console/repairs/").content.decode()
    received = timezone.localdate() - dt.timedelta(days=3)
    done = client.post(
        URL, {**window_form(received_on=received.isoformat()), "materials": [upload()]}
    )
    assert done.status_code == 200, done.content.decode()
    app = RepairApplication.objects.get()
    text = done.content.decode()
    code = done.context["query_code"]
    assert app.tracking_number in text and code in text and "只显示这一次" in text
    assert app.record_id == repair_world.old_penalty.pk
    common = app.application
    assert common.channel == "window" and common.entered_by == admin_user
    assert common.materials.count() == 1
    # The 受理 clock runs from the day the paper was received, not from the entry.
    assert app.accept_due == deadlines.due_date(received, repair_settings.accept_workdays())
    # The paper commitment is stored as the platform's 信用修复型 commitment.
    commitment = Commitment.objects.get(kind="repair")
    assert commitment.signer_name == "李四" and app.commitment_id == commitment.pk
    assert ChangeLog.objects.filter(
        action="repair.submitted", object_type="RepairApplication", object_id=str(app.pk)
    ).exists()
    # The code opens the status page once, like a portal application.
    status = Client().post(
        "/applications/status/", {"tracking_number": app.tracking_number, "query_code": code}
    )
    assert status.status_code == 200 and OLD_DOC in status.content.decode()
    # Shown once: the application's page in the console never shows it again.
    detail = client.get(f"/console/repairs/{app.tracking_number}/").content.decode()
    assert code not in detail


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"doc_number": "本市监罚〔2026〕999号"}, 400, "未找到正在公示的该文书号信息"),
        ({"doc_number": NEW_DOC}, 409, "起方可申请信用修复"),
        ({"commitment_accepted": ""}, 400, "请确认申请人已签署书面信用修复承诺书"),
        ({"commitment_signed_name": ""}, 400, "书面承诺签署人姓名"),
        ({"uscc": "91210502MA0000009X"}, 400, "统一社会信用代码"),
        ({"received_on": "2098-01-01"}, 400, "收件日期不能晚于今天"),
        ({"received_on": "昨天"}, 400, "请填写有效的日期"),
        ({"fact_kind": "penalty"}, 400, "申请修复的信息类型"),
    ],
)
def test_refusals_name_the_problem_and_store_nothing(
    repair_world, admin_user, settings, overrides, status, message
):
    got = office(admin_user).post(URL, {**window_form(**overrides), "materials": [upload()]})
    assert got.status_code == status, got.content.decode()
    assert message in got.content.decode()
    assert nothing_stored(settings)


def test_a_fake_pdf_is_refused_and_nothing_is_stored(repair_world, admin_user, settings):
    got = office(admin_user).post(
        URL, {**window_form(), "materials": [upload("营业执照.pdf", b"MZ\x90\x00not a pdf")]}
    )
    assert got.status_code == 400
    assert nothing_stored(settings)


def test_only_the_credit_office_may_enter(
    repair_world, operator_user, other_operator, auditor_user, settings
):
    for user in (operator_user, other_operator, auditor_user):
        client = office(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {**window_form(), "materials": [upload()]}).status_code == 403
        assert URL not in client.get("/console/repairs/").content.decode()
    assert Client().get(URL).status_code == 302
    assert nothing_stored(settings)
    assert not Application.objects.exists()
