"""The public report's 异议标注: a fact under an accepted, open objection is marked in its
table (the portal's words); the opening is a fact event, so a stored report is not handed
out again — the next download issues one that carries the marker."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from credit.core.actors import Actor
from credit.facts import events
from credit.objections import services as objections
from credit.reports import dossier as dossiers
from tests.objections.conftest import company_party, pdf
from tests.reports.test_public_report import _download, data  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]


def _text(content: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def _open_objection(office: Actor, fact_id: int):
    objection, _ = objections.submit(
        Actor(label="公众申请人"),
        kind="record",
        fact_id=fact_id,
        party=company_party(),
        reason="处罚决定已被复议撤销，信息有误",
        uploads=[pdf()],
        channel="portal",
    )
    return objections.accept(office, objection)


def test_an_open_objection_is_marked_on_its_record(client, admin_user, data, tmp_path):  # noqa: F811
    events.deliver_pending()
    before = _download(client, data.company)
    _download(client, data.company)  # confirmed for today
    assert dossiers.DISPUTE_COLUMN not in _text(before.content, tmp_path)

    _open_objection(Actor.for_user(admin_user), data.public_penalty.pk)
    events.deliver_pending()
    after = _download(client, data.company)
    assert after["X-Report-Number"] != before["X-Report-Number"]
    text = _text(after.content, tmp_path)
    assert dossiers.DISPUTE_COLUMN in text
    # The marker is on the disputed record's row: right after its cells, before the next row.
    row = text[text.index(data.public_penalty.doc_number) :]
    assert dossiers.DISPUTED in row[:200]
    assert text.count(dossiers.DISPUTED) == 1
