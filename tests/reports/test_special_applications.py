"""专项信用报告 on application (issue 14): the subject applies on the portal with materials
(tracking number + query code), the credit office accepts in the console, which issues the
report, and the applicant downloads it from the status page — access-logged; refusals
(不予受理, bad input, wrong code) leave nothing issued."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from django.test import Client

from credit.applications.models import Application, ApplicationState
from credit.audit.models import AccessLog, ChangeLog
from credit.core.actors import Actor
from credit.reports import applications as report_applications
from credit.reports.domains import seed_domains
from credit.reports.models import CreditReport, ReportDomain, SpecialReportRequest
from tests.objections.conftest import PDF, company_party, pdf
from tests.portal.conftest import COMPANY, COMPANY_USCC, load_portal_data

pytestmark = pytest.mark.django_db
PUBLIC = Actor(label="公众申请人")


@pytest.fixture
def data(db, scjg, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 0
    settings.CREDIT_APPLICATION_SUBMITS_PER_MINUTE = 1_000
    portal = load_portal_data(scjg, tmp_path)
    seed_domains(Actor.system("测试"))
    return portal


def _form(chosen, **overrides) -> dict:
    party = company_party()
    body = {
        "subject_name": party.subject_name,
        "uscc": party.uscc,
        "applicant_name": party.applicant_name,
        "applicant_phone": party.applicant_phone,
        "applicant_relationship": party.applicant_relationship,
        "period_from": "2020-09-01",
        "period_to": dt.date.today().isoformat(),
        "domains": [d.pk for d in chosen],
        "purpose": "政府采购投标",
    }
    body.update(overrides)
    return body


def _text(data: bytes, tmp_path) -> str:
    path = tmp_path / "applied.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def test_portal_application_accepted_in_the_console_and_downloaded_from_the_status_page(
    data, admin_user, tmp_path
):
    market, ecology = (ReportDomain.objects.get(code=c) for c in ("market", "ecology"))
    public = Client()
    page = public.get("/reports/special/apply/")
    assert page.status_code == 200 and "2020-09-01" in page.content.decode()
    body = _form([market, ecology])
    body["materials"] = [pdf("营业执照.pdf"), pdf("授权委托书.pdf")]
    response = public.post("/reports/special/apply/", body)
    assert response.status_code == 200, response.content.decode()[:600]
    text = response.content.decode()
    tracking = re.search(r'id="tracking-number">([A-Z0-9]+)<', text).group(1)
    code = re.search(r'id="query-code">([A-Z0-9]+)<', text).group(1)
    assert tracking.startswith("BG")
    application = Application.objects.get(tracking_number=tracking)
    assert application.query_code_hash != code and application.materials.count() == 2

    status = public.post("/applications/status/", {"tracking_number": tracking, "query_code": code})
    assert "待受理" in status.content.decode() and "download-report" not in status.content.decode()
    assert "市场监管、生态环境" in status.content.decode()

    office = Client()
    office.force_login(admin_user)
    queue = office.get("/console/reports/applications/")
    assert tracking in queue.content.decode()
    request = SpecialReportRequest.objects.get(application=application)
    detail = office.get(f"/console/reports/applications/{request.pk}/")
    assert detail.status_code == 200 and "营业执照.pdf" in detail.content.decode()
    material = application.materials.order_by("id").first()
    got = office.get(f"/console/reports/applications/{request.pk}/materials/{material.pk}/")
    assert got.status_code == 200 and got.content == PDF
    assert AccessLog.objects.filter(resource="applications.material").exists()
    accepted = office.post(
        f"/console/reports/applications/{request.pk}/accept/", {"note": "材料齐全"}
    )
    assert accepted.status_code == 302
    request.refresh_from_db()
    application.refresh_from_db()
    assert application.state == ApplicationState.CLOSED and request.report is not None
    number = request.report.number
    assert request.report.domains == ["市场监管", "生态环境"]
    assert ChangeLog.objects.filter(action="application.close", object_id=tracking).exists()

    status = public.post("/applications/status/", {"tracking_number": tracking, "query_code": code})
    shown = status.content.decode()
    assert "已出具" in shown and number in shown and 'id="download-report"' in shown
    pdf_response = public.post(
        "/applications/status/report.pdf", {"tracking_number": tracking, "query_code": code}
    )
    assert pdf_response.status_code == 200
    assert pdf_response["X-Report-Number"] == number
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content == report_applications.services.read_pdf(request.report)
    text = _text(pdf_response.content, tmp_path)
    assert COMPANY in text and number in text
    assert data.public_penalty.doc_number in text
    assert "未发现该主体在生态环境领域的行政处罚、行政强制等违法违规记录" in text
    assert AccessLog.objects.filter(
        resource="reports.report",
        purpose__startswith=f"申请人下载专项信用报告（受理编号 {tracking}",
    ).exists()

    # The public status API names the report too.
    api = public.get(f"/api/v1/public/applications/{tracking}", headers={"X-Query-Code": code})
    assert api.json()["report_number"] == number and api.json()["outcome"] == "已出具"
    # A wrong query code opens nothing and downloads nothing.
    wrong = public.post(
        "/applications/status/report.pdf", {"tracking_number": tracking, "query_code": "WRONG2345"}
    )
    assert wrong.status_code == 404 and "受理编号或查询码不正确" in wrong.content.decode()
    # Accepting twice is refused.
    again = office.post(f"/console/reports/applications/{request.pk}/accept/", {"note": ""})
    assert again.status_code == 400 and "不能再受理" in again.content.decode()
    assert CreditReport.objects.filter(kind="special").count() == 1


def test_rejection_gives_the_reason_and_no_report(data, admin_user):
    market = ReportDomain.objects.get(code="market")
    request, code = report_applications.submit(
        PUBLIC,
        party=company_party(),
        period_from=None,
        period_to=None,
        domain_ids=[market.pk],
        uploads=[pdf()],
    )
    assert request.period_from == dt.date(2020, 9, 1) and request.period_to == dt.date.today()
    office = Client()
    office.force_login(admin_user)
    url = f"/console/reports/applications/{request.pk}/reject/"
    assert office.post(url, {"note": ""}).status_code == 400  # the reason is required
    assert office.post(url, {"note": "营业执照与申请主体不一致"}).status_code == 302
    tracking = request.application.tracking_number
    shown = (
        Client()
        .post("/applications/status/", {"tracking_number": tracking, "query_code": code})
        .content.decode()
    )
    assert "不予受理" in shown and "营业执照与申请主体不一致" in shown
    assert "download-report" not in shown
    refused = Client().post(
        "/applications/status/report.pdf", {"tracking_number": tracking, "query_code": code}
    )
    assert refused.status_code == 404 and "没有已出具" in refused.content.decode()
    assert not CreditReport.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "uploads", "message"),
    [
        ({"uscc": "91210500MA0XXXXXX1"}, True, "统一社会信用代码"),
        ({"period_to": "2999-01-01"}, True, "查询期间至"),
        ({"period_from": "2026-12-01", "period_to": "2025-01-01"}, True, "查询期间自"),
        ({"domains": []}, True, "请至少选择一个领域"),
        ({}, False, "申请材料"),
        ({"applicant_phone": "abc"}, True, "申请人电话"),
    ],
)
def test_bad_applications_are_refused_naming_the_field_and_store_nothing(
    data, overrides, uploads, message
):
    market = ReportDomain.objects.get(code="market")
    body = _form([market], **overrides)
    if uploads:
        body["materials"] = [pdf()]
    response = Client().post("/reports/special/apply/", body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists() and not SpecialReportRequest.objects.exists()


def test_a_material_that_is_not_a_document_is_refused(data):
    market = ReportDomain.objects.get(code="market")
    body = _form([market])
    body["materials"] = [pdf("营业执照.pdf", b"MZ\x90\x00 not a pdf")]
    response = Client().post("/reports/special/apply/", body)
    assert response.status_code == 400
    assert "按文件内容判断" in response.content.decode()
    assert not Application.objects.exists()


def test_only_the_credit_office_decides_and_the_auditor_reads(
    data, operator_user, auditor_user, admin_user
):
    market = ReportDomain.objects.get(code="market")
    request, _code = report_applications.submit(
        PUBLIC,
        party=company_party(uscc=COMPANY_USCC),
        period_from=None,
        period_to=None,
        domain_ids=[market.pk],
        uploads=[pdf()],
    )
    operator = Client()
    operator.force_login(operator_user)
    assert operator.get("/console/reports/applications/").status_code == 403
    assert operator.post(f"/console/reports/applications/{request.pk}/accept/").status_code == 403
    auditor = Client()
    auditor.force_login(auditor_user)
    assert auditor.get(f"/console/reports/applications/{request.pk}/").status_code == 200
    assert auditor.post(f"/console/reports/applications/{request.pk}/accept/").status_code == 403
    assert not CreditReport.objects.exists()
