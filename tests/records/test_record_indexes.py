"""The records table keeps no index another one makes redundant: every index is
maintained on each of an import's inserts (docs/performance.md, storage floor)."""

from __future__ import annotations

import pytest
from django.db import connection

from credit.records.models import Record

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Record._meta.db_table)
    return {
        name: info["columns"]
        for name, info in found.items()
        if info["index"] and not info["primary_key"] and not info["unique"]
    }


def test_no_record_index_is_a_leading_prefix_of_another():
    indexes = _indexes()
    redundant = [
        (name, other)
        for name, columns in indexes.items()
        for other, longer in indexes.items()
        if other != name and len(longer) > len(columns) and longer[: len(columns)] == columns
    ]
    assert redundant == []


def test_lookups_by_subject_still_have_an_index_leading_with_it():
    assert any(columns[0] == "subject_id" for columns in _indexes().values())
    assert not Record._meta.get_field("subject").db_index
