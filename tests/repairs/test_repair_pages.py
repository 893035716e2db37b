"""Repair pages: the portal self-check from the record page, the console queue with its
clocks and filters, the steps from the console, and the 信用修复告知书 PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.test import Client

from credit.audit.models import AccessLog
from credit.records.models import Record, Visibility
from credit.repairs.models import RepairApplication, State
from tests.repairs.conftest import NEW_DOC, OLD_DOC
from tests.repairs.test_repair_api import _profile_ids
from tests.repairs.test_repair_kernel import apply_for

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_portal_record_page_links_to_the_self_check(repair_world):
    ids = _profile_ids(repair_world.company)
    page = Client().get(f"/publicity/records/{ids[NEW_DOC]}/").content.decode()
    assert f"/publicity/records/{ids[NEW_DOC]}/repair/" in page
    check = Client().get(f"/publicity/records/{ids[NEW_DOC]}/repair/")
    assert check.status_code == 200
    text = check.content.decode()
    assert "最短公示期未满" in text and "需要提交的材料" in text
    ok = Client().get(f"/publicity/records/{ids[OLD_DOC]}/repair/").content.decode()
    assert "可以申请信用修复" in ok
    assert Client().get("/publicity/records/nothing/repair/").status_code == 404


def test_licence_page_offers_no_self_check(repair_world):
    licence = Record.objects.get(dataset__code="licence")
    from credit.portal.opaque import record_token

    page = Client().get(f"/publicity/records/{record_token(licence.pk)}/").content.decode()
    assert "信用修复自查" not in page


def test_console_queue_steps_and_overdue(repair_world, operator_user, other_operator, admin_user):
    app, _ = apply_for(repair_world.old_penalty)
    mine = _logged_in(operator_user)
    queue = mine.get("/console/repairs/")
    assert queue.status_code == 200
    assert app.tracking_number in queue.content.decode()
    # Another department's operator sees an empty queue and no application.
    other = _logged_in(other_operator)
    assert app.tracking_number not in other.get("/console/repairs/").content.decode()
    assert other.get(f"/console/repairs/{app.tracking_number}/").status_code == 404
    # Overdue: the 受理 clock ran out; the credit office sees it among the overdue ones.
    RepairApplication.objects.filter(pk=app.pk).update(accept_due=dt.date(2020, 1, 2))
    office = _logged_in(admin_user).get("/console/repairs/", {"overdue": "on"}).content.decode()
    assert app.tracking_number in office and "已超期" in office
    assert (
        app.tracking_number
        not in _logged_in(admin_user)
        .get("/console/repairs/", {"state": "repaired"})
        .content.decode()
    )

    detail = mine.get(f"/console/repairs/{app.tracking_number}/")
    assert "受理" in detail.content.decode()
    assert AccessLog.objects.filter(resource="repairs.application").exists()
    empty = mine.post(f"/console/repairs/{app.tracking_number}/reject/", {"text": ""})
    assert empty.status_code == 400 and "请填写不予受理理由" in empty.content.decode()
    mine.post(f"/console/repairs/{app.tracking_number}/accept/", {"text": "材料齐全"})
    mine.post(f"/console/repairs/{app.tracking_number}/repair/", {"text": "已履行"})
    app.refresh_from_db()
    assert app.state == State.REPAIRED
    assert Record.objects.get(doc_number=OLD_DOC).visibility == Visibility.REPAIRED


def test_auditor_reads_the_queue_and_acts_on_nothing(repair_world, auditor_user):
    app, _ = apply_for(repair_world.old_penalty)
    auditor = _logged_in(auditor_user)
    assert app.tracking_number in auditor.get("/console/repairs/").content.decode()
    refused = auditor.post(f"/console/repairs/{app.tracking_number}/accept/", {"text": ""})
    assert refused.status_code == 403
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_repair_notice_pdf_from_the_record(repair_world, operator_user, other_operator, tmp_path):
    record = Record.objects.get(doc_number=NEW_DOC)
    page = _logged_in(operator_user).get(f"/console/records/{record.pk}/").content.decode()
    assert f"/console/repair-notices/record/{record.pk}/" in page
    got = _logged_in(operator_user).get(f"/console/repair-notices/record/{record.pk}/")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(got.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    assert "信用修复告知书" in text and NEW_DOC in text
    assert "最短公示期于" in text and "需要提交的材料" in text
    assert (
        _logged_in(other_operator).get(f"/console/repair-notices/record/{record.pk}/").status_code
        == 403
    )
