"""Special reports state non-public facts: their files are kept SM4-GCM encrypted, opened
only for an authorised, access-logged download; the verify page still recognises the
issued PDF byte for byte."""

from __future__ import annotations

import io
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from credit.audit.models import AccessLog
from credit.reports import files, signing
from credit.reports.models import CreditReport, ReportDomain
from tests.reports.test_special_report import _issue, data  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(client, admin_user, data):  # noqa: F811
    client.force_login(admin_user)
    response = _issue(client, [ReportDomain.objects.get(code="market")])
    assert response.status_code == 200, response.content[:400]
    return CreditReport.objects.get(number=response["X-Report-Number"]), response.content


def test_the_stored_file_is_encrypted_and_private(issued):
    report, pdf = issued
    path = Path(settings.MEDIA_ROOT) / report.pdf_path
    raw = path.read_bytes()
    assert report.pdf_path.endswith(".pdf.enc")
    assert raw.startswith(files.MAGIC) and b"%PDF" not in raw
    assert pdf.startswith(b"%PDF") and pdf[200:400] not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_authorised_download_decrypts_it_and_is_logged(client, auditor_user, issued):
    report, pdf = issued
    client.force_login(auditor_user)
    download = client.get(reverse("reports_console:download", args=[report.number]))
    assert download.status_code == 200 and download.content == pdf
    assert AccessLog.objects.filter(
        actor_user=auditor_user, purpose=f"信用报告文件查阅（工作台）（报告编号 {report.number}）"
    ).exists()


def test_the_verify_page_recognises_the_issued_pdf(client, issued):
    report, pdf = issued
    client.logout()
    upload = client.post(
        reverse("reports:verify"),
        {"file": SimpleUploadedFile("r.pdf", pdf, content_type="application/pdf")},
    )
    body = upload.content.decode()
    assert "文件核验通过" in body and report.number in body
    by_number = client.get(reverse("reports:verify_number", args=[report.number]))
    assert by_number.status_code == 200 and report.pdf_digest in by_number.content.decode()


def test_an_altered_or_moved_file_is_not_handed_out(client, issued):
    report, _pdf = issued
    path = Path(settings.MEDIA_ROOT) / report.pdf_path
    raw = bytearray(path.read_bytes())
    raw[-40] ^= 0x01
    path.write_bytes(bytes(raw))
    assert files.read(report) is None
    assert client.get(reverse("reports_console:download", args=[report.number])).status_code == 404
    # Another report's (intact) ciphertext under this number does not open either.
    other = files.encrypt("0" * 22, b"%PDF-1.7 other")
    assert files.decrypt(report.number, other) is None


def test_the_migration_encrypts_special_reports_kept_in_clear(client, issued):
    report, pdf = issued
    # As the previous version stored it: the signed PDF in clear under reports/<month>/.
    clear = Path(settings.MEDIA_ROOT) / "reports" / "old" / f"{report.number}.pdf"
    clear.parent.mkdir(parents=True)
    clear.write_bytes(pdf)
    (Path(settings.MEDIA_ROOT) / report.pdf_path).unlink()
    CreditReport.objects.filter(pk=report.pk).update(
        pdf_path=str(clear.relative_to(settings.MEDIA_ROOT))
    )
    assert files.seal_clear_special_reports(CreditReport) == 1
    assert files.seal_clear_special_reports(CreditReport) == 0
    report.refresh_from_db()
    assert report.pdf_path.endswith(".enc") and not clear.exists()
    assert files.read(report) == pdf


def test_the_special_report_is_signed_and_validates_offline(issued):
    _report, pdf = issued
    root = signing.signer().signing_cert
    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.coverage.name == "ENTIRE_FILE"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_special_report_pages_render_as_images(issued, tmp_path):
    _report, pdf = issued
    path = tmp_path / "special.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "s")], check=True)
    pages = sorted(tmp_path.glob("s-*.png"))
    assert pages
    for page in pages:
        image = Image.open(page).convert("L")
        width, height = image.size
        assert height > width
        assert sum(1 for v in image.getdata() if v < 128) > 200, f"{page.name} looks blank"
