"""The 双公示 lists read one dataset's public records by index order, and count to a cap.

The lists used to join every public record of the dataset to its dataset (by code) and
version (by open_attr), sort them all and count them all on each page view: the penalties
list answered at 4.9 req/s under 32 connections. The shape that the index
record_public_list serves is checked here; the figures are in docs/performance.md.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credit.portal import listing
from credit.records import queries as records

pytestmark = pytest.mark.django_db


def test_dataset_list_has_the_same_rows_as_the_definition_of_public(portal_data):
    for code in ("penalty", "licence"):
        expected = set(records.public_records().filter(dataset__code=code).values_list("id"))
        assert set(records.public_records_of_dataset(code).values_list("id")) == expected
    penalties = set(records.public_records_of_dataset("penalty").values_list("id", flat=True))
    assert penalties == {portal_data.public_penalty.id, portal_data.person_penalty.id}
    assert not records.public_records_of_dataset("no-such-dataset").exists()


def test_list_page_reads_records_alone_in_index_order(client, portal_data):
    client.get("/publicity/penalties/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/publicity/penalties/").content.decode()
    assert "本市监罚〔2026〕901号" in page and "共 2 条" in page
    listed = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "records_record"') and "ORDER BY" in q["sql"]
    ]
    assert len(listed) == 1
    sql = listed[0]
    assert "catalog_datasetversion" not in sql
    assert 'ORDER BY "records_record"."decision_date" DESC, "records_record"."id" DESC' in sql
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and "LIMIT" in counts[0]  # capped, not the whole dataset


def test_count_past_the_cap_says_so(client, portal_data, monkeypatch):
    monkeypatch.setattr(listing, "LIST_COUNT_CAP", 1)
    page = client.get("/publicity/penalties/").content.decode()
    assert "共 1+ 条" in page and "仅列出最近 1 条" in page
