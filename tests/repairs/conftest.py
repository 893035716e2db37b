"""Repair fixtures: the portal company with a penalty past its minimum publicity period
(一般: 3 months) and one still inside it, imported through the real path; a system that
checked the company and one that read it through the sharing API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from credit.accounts.models import ApiClient, Scope
from credit.checks.models import CreditCheck
from credit.checks.store import run_check
from credit.collection import services as collection
from credit.core.actors import Actor
from credit.records.models import Record
from credit.subjects.models import Subject
from tests.collection.samples import write_csv
from tests.notices.conftest import make_client
from tests.portal.conftest import _company_penalty, load_portal_data

OLD_DOC = "本市监罚〔2026〕951号"
NEW_DOC = "本市监罚〔2026〕952号"


@dataclass
class RepairWorld:
    company: Subject
    old_penalty: Record  # past its minimum period: repairable
    new_penalty: Record  # inside it
    checker: ApiClient
    checker_token: str
    check: CreditCheck
    reader: ApiClient
    reader_token: str


def penalty_rows(today: dt.date) -> list[dict]:
    return [
        _company_penalty(951, today - dt.timedelta(days=130), "罚款三千元（已履行）"),
        _company_penalty(952, today - dt.timedelta(days=20), "罚款四千元"),
    ]


def import_rows(department, tmp_path, rows, name="repair-penalties.csv"):
    path = write_csv(tmp_path / name, rows)
    batch = collection.submit_file(
        Actor.system("测试"),
        dataset_code="penalty",
        department=department,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    assert batch.state == "done", batch.message
    return batch


@pytest.fixture
def repair_world(db, scjg, sthj, tmp_path, settings) -> RepairWorld:
    settings.MEDIA_ROOT = tmp_path / "media"  # application materials, kept per test
    portal = load_portal_data(scjg, tmp_path)
    import_rows(scjg, tmp_path, penalty_rows(dt.date.today()))
    old = Record.objects.get(doc_number=OLD_DOC)
    new = Record.objects.get(doc_number=NEW_DOC)
    assert old.visibility == new.visibility == "public"
    checker, checker_token = make_client(
        "招标投标交易系统", sthj, [Scope.CHECKS_RUN, Scope.NOTICES_READ]
    )
    check = run_check(
        Actor.for_client(checker),
        "bidding",
        [{"uscc": portal.company.uscc}],
        purpose="某工程施工招标资格审查",
    )
    assert check.hit_count == 1
    reader, reader_token = make_client(
        "生态环境审批系统", sthj, [Scope.RECORDS_READ, Scope.NOTICES_READ]
    )
    got = Client().get(
        f"/api/v1/shared/subjects/{portal.company.public_id}/records",
        {"purpose": "环评审批核查"},
        headers={"Authorization": f"Bearer {reader_token}"},
    )
    assert got.status_code == 200 and OLD_DOC in got.content.decode()
    return RepairWorld(
        portal.company, old, new, checker, checker_token, check, reader, reader_token
    )
