"""Notices fixtures: a company with a public penalty (imported through the real path), a
system that checked it, a department system that read it by the sharing API, and a system
that checked nobody."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from credit.accounts import services as accounts
from credit.accounts.models import ApiClient, Scope
from credit.checks.models import CreditCheck
from credit.checks.store import run_check
from credit.core.actors import Actor
from credit.records.models import Record
from credit.subjects.models import Subject
from tests.portal.conftest import load_portal_data


@dataclass
class World:
    company: Subject
    record: Record
    checker: ApiClient
    checker_token: str
    check: CreditCheck
    reader: ApiClient
    reader_token: str
    bystander: ApiClient
    bystander_token: str


def make_client(name, department, scopes) -> tuple[ApiClient, str]:
    system = Actor.system("测试")
    client = accounts.create_client(system, name, department, scopes)
    return client, accounts.issue_token(system, client)


@pytest.fixture
def world(db, scjg, sthj, tmp_path) -> World:
    portal = load_portal_data(scjg, tmp_path)
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
    assert got.status_code == 200, got.content
    assert portal.public_penalty.doc_number in got.content.decode()
    bystander, bystander_token = make_client(
        "其他系统", sthj, [Scope.CHECKS_RUN, Scope.NOTICES_READ]
    )
    return World(
        company=portal.company,
        record=portal.public_penalty,
        checker=checker,
        checker_token=checker_token,
        check=check,
        reader=reader,
        reader_token=reader_token,
        bystander=bystander,
        bystander_token=bystander_token,
    )
