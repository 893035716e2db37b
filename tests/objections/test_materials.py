"""Materials: the type is read from the content, sizes and counts are limited, and a refused
submission leaves neither rows nor files; kept files are encrypted with their SM3 digest."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit.applications import materials
from credit.applications.models import Application, Material
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.objections import services
from tests.objections.conftest import PDF, PNG, company_party, pdf

pytestmark = pytest.mark.django_db


def _ofd(with_ofd_xml: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("OFD.xml" if with_ofd_xml else "word/document.xml", "<ofd:OFD/>")
        package.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buffer.getvalue()


def _submit(portal_data, uploads):
    return services.submit(
        Actor(label="公众申请人"),
        kind="record",
        fact_id=portal_data.public_penalty.pk,
        party=company_party(),
        reason="记录有误",
        uploads=uploads,
        channel="portal",
    )


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "application-materials"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_sniff_reads_the_content_not_the_name():
    assert materials.sniff(PDF) == "pdf"
    assert materials.sniff(PNG) == "png"
    assert materials.sniff(b"\xff\xd8\xff\xe0" + b"\x00" * 16) == "jpg"
    assert materials.sniff(_ofd()) == "ofd"
    # A ZIP that is no OFD package (a DOCX, say) is refused.
    assert materials.sniff(_ofd(with_ofd_xml=False)) is None
    assert materials.sniff(b"MZ\x90\x00 an executable") is None


@pytest.mark.parametrize(
    ("uploads", "message"),
    [
        ([pdf("证明.pdf", b"<html>not a pdf</html>")], "不是 PDF、JPG、PNG 或 OFD 文件"),
        ([pdf("委托书.pdf", b"")], "空文件"),
        ([pdf("big.pdf", PDF + b"0" * (materials.MAX_BYTES))], "超过 10 MB"),
        ([pdf(f"{n}.pdf") for n in range(11)], "最多上传 10 个文件"),
        # The first file is fine, the second is not: neither is kept.
        ([pdf(), SimpleUploadedFile("a.png", b"GIF89a")], "第 2 个材料（a.png）"),
    ],
)
def test_bad_materials_are_refused_and_nothing_is_stored(portal_data, settings, uploads, message):
    with pytest.raises(ServiceError, match=message):
        _submit(portal_data, uploads)
    assert not Application.objects.exists()
    assert not Material.objects.exists()
    assert _stored_files(settings) == []


def test_kept_materials_are_encrypted_with_their_sm3_digest(portal_data, settings):
    objection, _ = _submit(
        portal_data,
        [pdf(), SimpleUploadedFile("scan.png", PNG), SimpleUploadedFile("证明.ofd", _ofd())],
    )
    kept = list(objection.application.materials.order_by("id"))
    assert [m.file_type for m in kept] == ["pdf", "png", "ofd"]
    files = _stored_files(settings)
    assert len(files) == 3
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(materials.MAGIC)
        assert b"%PDF" not in raw and b"OFD.xml" not in raw
        assert path.stat().st_mode & 0o777 == 0o600
    first = kept[0]
    assert first.sm3 == materials.sm3(PDF)
    assert materials.read(objection.application.pk, first.stored_name, first.sm3) == PDF
    # Media lives outside the web root (static files are served from their own folder).
    assert not str(Path(settings.MEDIA_ROOT)).startswith(str(settings.STATIC_ROOT))
