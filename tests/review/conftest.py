"""Review fixtures: the demo's duplicate sole trader, imported through the real path."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from credit.collection import services as collection
from credit.core.actors import Actor
from credit.lists import services as list_services
from credit.lists.models import ListEntry, ListType
from credit.subjects.models import Subject
from tests.collection.samples import penalty_row, write_csv

SOLE_TRADER = "明山区老王烧烤店"
OWNER = "王五"


def sole_trader_row(n: int, **overrides) -> dict[str, str]:
    """A penalty on a sole trader without a code: each such row gets its own unverified
    subject (as the demo's old sole traders do, hence one trader as many profiles)."""
    row = penalty_row(
        n,
        **{
            "行政相对人类别": "个体工商户",
            "行政相对人代码_1（统一社会信用代码）": "",
            "行政相对人名称": SOLE_TRADER,
            "法定代表人": OWNER,
        },
    )
    row.update(overrides)
    return row


@pytest.fixture
def import_rows(db, tmp_path):
    call_command("load_catalog", verbosity=0)
    counter = iter(range(1000))

    def run(dept, rows, dry_run=False):
        path = write_csv(tmp_path / f"rows{next(counter)}.csv", rows)
        batch = collection.submit_file(
            Actor.system("测试"),
            dataset_code="penalty",
            department=dept,
            fileobj=path,
            filename=path.name,
            dry_run=dry_run,
            run_now=True,
        )
        assert batch.state == "done", batch.message
        return batch

    return run


@dataclass
class Duplicates:
    profiles: list[Subject]  # the same sole trader three times, oldest first
    namesake: Subject  # same name and region, another 负责人: not a candidate
    entry: ListEntry  # a list entry on the second profile


@pytest.fixture
def duplicates(import_rows, scjg) -> Duplicates:
    import_rows(
        scjg,
        [
            sole_trader_row(701),
            sole_trader_row(702),
            sole_trader_row(703),
            sole_trader_row(704, **{"法定代表人": "李四"}),
        ],
    )
    profiles = list(Subject.objects.filter(name=SOLE_TRADER, legal_rep=OWNER).order_by("pk"))
    namesake = Subject.objects.get(name=SOLE_TRADER, legal_rep="李四")
    entry = list_services.notify(
        Actor.system("测试"),
        ListType.objects.get(code="samr_serious_violation"),
        profiles[1],
        "本市监告〔2026〕701号",
        dt.date.today() - dt.timedelta(days=2),
        "主体核对测试",
    )
    return Duplicates(profiles, namesake, entry)
