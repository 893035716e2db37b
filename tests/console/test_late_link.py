"""The console home's "超期报送记录 N" opens the batches that N adds up (issue 11)."""

from __future__ import annotations

import html
import re

import pytest

from credit.collection.models import Batch, BatchState

pytestmark = pytest.mark.django_db


def _batch(department, filename, *, late, state=BatchState.DONE, dry_run=False):
    from credit.catalog import queries as catalog_queries

    version = catalog_queries.current_version("penalty")
    return Batch.objects.create(
        dataset_id=version.dataset_id,
        dataset_version=version,
        department=department,
        source="upload",
        filename=filename,
        state=state,
        dry_run=dry_run,
        late_rows=late,
    )


@pytest.fixture
def batches(catalog, scjg, sthj):
    _batch(scjg, "late-a.csv", late=3)
    _batch(scjg, "late-b.csv", late=2)
    _batch(scjg, "on-time.csv", late=0)
    _batch(scjg, "dry-run.csv", late=5, dry_run=True)  # not counted: nothing was stored
    _batch(sthj, "other-dept.csv", late=7)


def _late_link(page: str) -> tuple[str, str]:
    found = re.search(r"<dt>超期报送记录</dt><dd><a href=\"([^\"]+)\"[^>]*>(\d+)</a>", page)
    assert found, page
    return html.unescape(found.group(1)), found.group(2)


def test_operator_home_links_its_late_count_to_those_batches(login, operator_user, batches):
    client = login(operator_user)
    url, count = _late_link(client.get("/console/").content.decode())
    assert count == "5"
    listing = client.get(url)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "late-a.csv" in page and "late-b.csv" in page
    for absent in ("on-time.csv", "dry-run.csv", "other-dept.csv"):
        assert absent not in page
    assert "共有超期报送记录 5 条" in page


def test_credit_admin_sees_every_departments_late_batches(login, admin_user, batches):
    client = login(admin_user)
    url, count = _late_link(client.get("/console/").content.decode())
    assert count == "12"
    page = client.get(url).content.decode()
    assert "other-dept.csv" in page and "共有超期报送记录 12 条" in page


def test_no_late_records_no_link(login, other_operator, catalog, sthj):
    _batch(sthj, "fine.csv", late=0)
    page = login(other_operator).get("/console/").content.decode()
    assert "<dt>超期报送记录</dt><dd>0</dd>" in page
