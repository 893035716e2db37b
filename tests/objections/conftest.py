"""Objection fixtures: the portal's imported records (a company's public penalty, a
person's) and the parties who object to them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit.applications.services import Party
from tests.portal.conftest import COMPANY, COMPANY_USCC, PERSON, PERSON_ID, load_portal_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name: str = "营业执照.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def company_party(**overrides) -> Party:
    values = {
        "subject_name": COMPANY,
        "uscc": COMPANY_USCC,
        "applicant_name": "李四",
        "applicant_phone": "024-12345678",
        "applicant_relationship": "legal_rep",
    }
    values.update(overrides)
    return Party(**values)


def person_party(**overrides) -> Party:
    values = {
        "subject_name": PERSON,
        "id_number": PERSON_ID,
        "applicant_name": PERSON,
        "applicant_phone": "13800000000",
        "applicant_relationship": "self",
    }
    values.update(overrides)
    return Party(**values)


@pytest.fixture
def portal_data(db, scjg, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return load_portal_data(scjg, tmp_path)
