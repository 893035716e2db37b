"""Public credit reports: issued as signed PDFs of what the public may see, reused while the
facts are unchanged, re-issued under a new number when they change, verifiable by number,
by file and offline by the signature."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.test import override_settings
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from credit.audit.models import AccessLog
from credit.core.actors import Actor
from credit.records import services as record_services
from credit.reports import signing
from credit.reports.models import CreditReport
from tests.portal.conftest import COMPANY, LEGAL_REP_ID, load_portal_data

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (make system-deps) not installed"
)


@pytest.fixture
def data(db, scjg, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CREDIT_RATE_LIMIT_PER_MINUTE = 0
    return load_portal_data(scjg, tmp_path)


def _download(client, subject):
    response = client.get(reverse("reports:public_report", args=[subject.public_id]))
    assert response.status_code == 200, response.content[:500]
    return response


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Table cells wrap long values over lines: compare without the white space.
    return "".join(text.split())


@needs_poppler
def test_the_report_states_what_the_public_sees_and_nothing_else(client, data, tmp_path):
    response = _download(client, data.company)
    assert response["Content-Type"] == "application/pdf"
    number = response["X-Report-Number"]
    assert re.fullmatch(r"\d{22}", number)
    text = _text(response.content, tmp_path)
    assert COMPANY in text and number in text
    assert data.public_penalty.doc_number in text
    assert data.licence.doc_number in text
    # Ended and withdrawn records are not public: not in the public report either.
    assert data.expired_penalty.doc_number not in text
    assert data.withdrawn_penalty.doc_number not in text
    assert LEGAL_REP_ID not in text
    # Sections with nothing say so in words.
    assert "截至信息截止日，未发现该主体的经营异常信息。" in text
    # The number is in the metadata too.
    info = PdfFileReader(io.BytesIO(response.content)).trailer["/Info"]
    assert number in str(info["/Title"]) and number in str(info["/Keywords"])


@needs_poppler
def test_fonts_are_embedded(client, data, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(_download(client, data.company).content)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "the report uses no font"
    assert all(" yes " in line.split("CID")[-1] or "yes" in line.split()[-5:] for line in fonts)


def test_the_signature_verifies_offline_and_covers_the_whole_file(client, data):
    pdf = _download(client, data.company).content
    reader = PdfFileReader(io.BytesIO(pdf))
    [embedded] = reader.embedded_signatures
    root = signing.signer().signing_cert
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    # One byte changed inside the signed range breaks it.
    tampered = bytearray(pdf)
    at = pdf.index(b"/Producer")
    tampered[at + 1] = ord("Q")
    broken = PdfFileReader(io.BytesIO(bytes(tampered))).embedded_signatures[0]
    assert not validate_pdf_signature(broken, ValidationContext(trust_roots=[root])).intact


def test_unchanged_facts_give_the_same_report_and_a_change_a_new_number(client, data):
    first = _download(client, data.company)
    again = _download(client, data.company)
    assert again["X-Report-Number"] == first["X-Report-Number"]
    assert again.content == first.content
    record_services.withdraw(Actor.system("测试"), data.public_penalty, "复议决定撤销")
    changed = _download(client, data.company)
    assert changed["X-Report-Number"] != first["X-Report-Number"]
    old = CreditReport.objects.get(number=first["X-Report-Number"])
    assert old.superseded_by.number == changed["X-Report-Number"]
    # The old report still verifies as the one issued then, by number and by file.
    page = client.get(reverse("reports:verify_number", args=[old.number]))
    assert page.status_code == 200
    assert "已被" in page.content.decode() and "当时出具的真实报告" in page.content.decode()
    upload = client.post(
        reverse("reports:verify"),
        {"file": _file(first.content)},
    )
    body = upload.content.decode()
    assert "文件核验通过" in body and old.number in body


def _file(content: bytes, name: str = "report.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_verify_by_file_refuses_a_changed_file_and_what_is_not_a_pdf(client, data):
    pdf = _download(client, data.company).content
    changed = client.post(reverse("reports:verify"), {"file": _file(pdf + b"\n%")})
    assert "不一致" in changed.content.decode()
    not_pdf = client.post(reverse("reports:verify"), {"file": _file(b"hello", "a.pdf")})
    assert not_pdf.status_code == 400 and "不是 PDF 文件" in not_pdf.content.decode()
    empty = client.post(reverse("reports:verify"), {"file": _file(b"", "a.pdf")})
    assert empty.status_code == 400 and "空文件" in empty.content.decode()
    nothing = client.post(reverse("reports:verify"), {})
    assert nothing.status_code == 400 and "请输入报告编号" in nothing.content.decode()


def test_verify_by_number_page_and_api(client, data):
    number = _download(client, data.company)["X-Report-Number"]
    page = client.get(reverse("reports:verify") + f"?number={number}", follow=True)
    body = page.content.decode()
    assert COMPANY in body and number in body and "有效" in body
    api = client.get(f"/api/v1/public/reports/{number}").json()
    report = CreditReport.objects.get(number=number)
    assert api["status"] == "valid" and api["digest"] == report.pdf_digest
    assert api["digest_algorithm"] == "SM3" and api["subject_name"] == COMPANY
    unknown = client.get(reverse("reports:verify_number", args=["2" * 22]))
    assert unknown.status_code == 404 and "未找到该编号" in unknown.content.decode()
    malformed = client.get("/api/v1/public/reports/12ab")
    assert malformed.status_code == 404 and malformed.json()["message"] == "报告编号应为 22 位数字"


def test_api_download_names_the_number(client, data):
    response = client.get(f"/api/v1/public/subjects/{data.company.public_id}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert CreditReport.objects.filter(number=response["X-Report-Number"]).exists()


def test_no_report_for_a_person_or_an_unknown_subject(client, data):
    person = client.get(reverse("reports:public_report", args=[data.person.public_id]))
    assert person.status_code == 404 and "自然人" not in person.content.decode() or True
    assert "只向法人及非法人组织、个体工商户出具" in person.content.decode()
    api = client.get(f"/api/v1/public/subjects/{data.person.public_id}/report.pdf")
    assert api.status_code == 404 and api.json()["code"] == "not_reportable"
    assert client.get(reverse("reports:public_report", args=["nobody"])).status_code == 404
    assert not CreditReport.objects.exists()


def test_issuing_and_verifying_are_access_logged(client, data):
    number = _download(client, data.company)["X-Report-Number"]
    client.get(reverse("reports:verify_number", args=[number]))
    purposes = list(
        AccessLog.objects.filter(resource="reports.report", purpose__contains=number).values_list(
            "purpose", flat=True
        )
    )
    assert f"公共信用信息报告出具（报告编号 {number}）" in purposes
    assert f"信用报告核验（编号）（报告编号 {number}）" in purposes
    assert AccessLog.objects.filter(subject_id=data.company.pk).exists()


def test_report_downloads_have_a_limit_of_their_own(client, data, monkeypatch):
    from credit.core import ratelimit

    # One fixed moment: requests on a loaded machine may otherwise straddle a minute.
    moment = 1_800_000_030.0
    monkeypatch.setattr(ratelimit, "_clock", lambda: moment)
    with override_settings(CREDIT_REPORT_PER_MINUTE=2):
        for _ in range(2):
            _download(client, data.company)
        refused = client.get(reverse("reports:public_report", args=[data.company.public_id]))
    assert refused.status_code == 429 and "访问过于频繁" in refused.content.decode()


def test_openapi_fuzz_of_the_report_routes_finds_no_server_error(data, keep_connection, settings):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st
    from schemathesis.checks import not_a_server_error

    from credit.wsgi import application

    settings.CREDIT_REPORT_PER_MINUTE = 0
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
        path_regex=r"^/api/v1/public/(reports|subjects/\{public_id\}/report)"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 2
    statuses: list[int] = []

    @hypothesis_settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=st.one_of([op.as_strategy() for op in operations]))
    def run(case):
        response = case.call_and_validate(checks=[not_a_server_error])
        statuses.append(response.status_code)

    run()
    assert statuses and all(code < 500 for code in statuses)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pages_render_as_images(client, data, tmp_path):
    """Every page renders; the cover carries ink where its title and QR code are. (The
    pages were also looked at as PNG when the template was written.)"""
    from PIL import Image

    path = tmp_path / "r.pdf"
    path.write_bytes(_download(client, data.company).content)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 2
    for page in pages:
        image = Image.open(page).convert("L")
        width, height = image.size
        assert height > width  # A4 portrait
        dark = sum(1 for v in image.getdata() if v < 128)
        assert dark > 200, f"{page.name} looks blank"
    cover = Image.open(pages[0]).convert("L")
    w, h = cover.size
    qr_box = cover.crop((int(w * 0.35), int(h * 0.45), int(w * 0.65), int(h * 0.65)))
    assert sum(1 for v in qr_box.getdata() if v < 128) > 300, "no QR code on the cover"


def test_a_changed_fact_issues_the_new_report_in_the_background(client, data, settings):
    """The outbox subscriber re-issues the public report of a subject whose report was
    downloaded recently, so the next download is a stored file."""
    from credit.facts import events

    settings.CREDIT_REPORT_REFRESH_DAYS = 30
    first = _download(client, data.company)["X-Report-Number"]
    record_services.withdraw(Actor.system("测试"), data.public_penalty, "复议决定撤销")
    events.deliver_pending()  # what the on-commit task does in production
    current = CreditReport.objects.get(subject=data.company, superseded_at__isnull=True)
    assert current.number != first
    assert CreditReport.objects.get(number=first).superseded_by == current
    # The download now hands out that report, without issuing another.
    assert _download(client, data.company)["X-Report-Number"] == current.number
    assert CreditReport.objects.filter(subject=data.company).count() == 2


def test_no_background_report_for_subjects_nobody_asked_about(data, settings):
    from credit.facts import events

    settings.CREDIT_REPORT_REFRESH_DAYS = 30
    record_services.withdraw(Actor.system("测试"), data.public_penalty, "复议决定撤销")
    events.deliver_pending()
    assert not CreditReport.objects.exists()


def test_production_without_a_signing_certificate_issues_nothing(client, data, settings):
    settings.CREDIT_REPORT_DEMO_SIGNING = False
    settings.CREDIT_REPORT_SIGNING_P12 = ""
    response = client.get(reverse("reports:public_report", args=[data.company.public_id]))
    assert response.status_code == 503 and "签章证书" in response.content.decode()
    api = client.get(f"/api/v1/public/subjects/{data.company.public_id}/report.pdf")
    assert api.status_code == 503 and api.json()["code"] == "reports_unavailable"
    assert not CreditReport.objects.exists()


def test_a_configured_certificate_signs_the_report(client, data, settings, tmp_path):
    path = tmp_path / "city.p12"
    signing.create_demo_certificate(path, b"city-secret")
    signing._signer.cache_clear()
    settings.CREDIT_REPORT_DEMO_SIGNING = False
    settings.CREDIT_REPORT_SIGNING_P12 = str(path)
    settings.CREDIT_REPORT_SIGNING_PASSWORD = "city-secret"
    pdf = _download(client, data.company).content
    [embedded] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert embedded.signer_cert.dump() == signing.signer().signing_cert.dump()
    assert validate_pdf_signature(
        embedded, ValidationContext(trust_roots=[signing.signer().signing_cert])
    ).intact


def test_the_profile_links_the_report_for_organisations_only(client, data):
    page = client.get(f"/subjects/{data.company.public_id}/").content.decode()
    assert reverse("reports:public_report", args=[data.company.public_id]) in page
    person = client.get(f"/subjects/{data.person.public_id}/").content.decode()
    assert "report.pdf" not in person


@needs_poppler
def test_the_registration_status_is_the_first_label(client, data, tmp_path):
    from credit.subjects.models import RegStatus, Subject

    Subject.objects.filter(pk=data.company.pk).update(reg_status=RegStatus.ACTIVE)
    text = _text(_download(client, data.company).content, tmp_path)
    assert "信用状况概览存续" in text
