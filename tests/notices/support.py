"""Helpers for notices tests and the benchmark: more penalties of the test company."""

from __future__ import annotations

import datetime as dt

from credit.collection import services as collection
from credit.core.actors import Actor
from credit.records.models import Record
from tests.collection.samples import write_csv
from tests.portal.conftest import _company_penalty


def import_penalties(department, tmp_path, numbers: list[int]) -> list[Record]:
    """Import public penalties of the portal fixtures' company through the real path."""
    today = dt.date.today()
    rows = [_company_penalty(n, today - dt.timedelta(days=2), f"罚款{n}元") for n in numbers]
    path = write_csv(tmp_path / f"penalty-{numbers[0]}.csv", rows)
    batch = collection.submit_file(
        Actor.system("测试"),
        dataset_code="penalty",
        department=department,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    assert batch.state == "done", batch.message
    return [Record.objects.get(doc_number=f"本市监罚〔2026〕{n}号") for n in numbers]
