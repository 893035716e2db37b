"""Shared builders for the credit-check tests: subjects, list entries, penalty imports."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone

from credit.core.fieldcrypto import encrypt_id, id_digest
from credit.core.identifiers import make_id_number, make_uscc
from credit.core.normalize import name_key
from credit.lists.models import ListEntry, ListType
from credit.subjects.models import Subject

_serial = itertools.count(1)


def uscc(n: int) -> str:
    return make_uscc(f"91210502MA{n:07d}")


def make_subject(name: str, *, code: str | None = None, kind="organization", region="210502"):
    n = next(_serial)
    return Subject.objects.create(
        public_id=f"T{n:08d}",
        kind=kind,
        name=name,
        name_norm=name_key(name),
        uscc=code,
        region_code=region,
    )


def make_person(name: str, id_number: str, region="210502"):
    n = next(_serial)
    return Subject.objects.create(
        public_id=f"P{n:08d}",
        kind="person",
        name=name,
        name_norm=name_key(name),
        id_cipher=encrypt_id(id_number),
        id_digest=id_digest(id_number),
        region_code=region,
    )


def person_id(n: int) -> str:
    return make_id_number(f"21050219850115{n:03d}")


def put_on_list(subject, list_code: str, *, start=None, end=None) -> ListEntry:
    today = timezone.localdate()
    start = start or today - dt.timedelta(days=30)
    number = f"本认〔2026〕{next(_serial)}号"
    return ListEntry.objects.create(
        list_type=ListType.objects.get(code=list_code),
        subject=subject,
        state="published",
        source="console",
        decision_number=number,
        decision_key=name_key(number),
        decision_date=start,
        period_start=start,
        period_end=end if end is not None else start + dt.timedelta(days=3 * 365),
        published_on=start,
        basis="测试认定依据",
    )


@pytest.fixture
def catalog(db):
    call_command("load_catalog", verbosity=0)


@pytest.fixture
def import_penalty(catalog, tmp_path, scjg):
    """Import penalty rows for companies through the real collection pipeline."""
    from credit.collection import services
    from credit.core.actors import Actor
    from tests.collection.samples import penalty_row, write_csv

    def run(*numbers: int):
        path = write_csv(tmp_path / f"处罚{numbers[0]}.csv", [penalty_row(n) for n in numbers])
        batch = services.submit_file(
            Actor.system(),
            dataset_code="penalty",
            department=scjg,
            fileobj=path,
            filename=path.name,
            policy="reject_all",
            dry_run=False,
            run_now=True,
        )
        assert batch.state == "done", batch.message
        return batch

    return run
