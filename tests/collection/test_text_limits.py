"""Free text has a length limit from the catalog, a default one otherwise (issue 10, #19)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from credit.catalog import queries
from credit.catalog.models import Field, FieldType
from credit.collection.models import BatchState
from credit.collection.validation import DEFAULT_TEXT_MAX_LENGTH, RowValidator, map_header
from credit.records.models import Record

from .samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db


def test_every_shipped_text_field_has_a_limit(catalog):
    for code in ("penalty", "licence", "list_decision"):
        fields = queries.fields_of(queries.current_version(code))
        unlimited = [f.code for f in fields if f.type == FieldType.TEXT and not f.max_length]
        assert unlimited == [], code
    limits = {f.code: f.max_length for f in queries.fields_of(queries.current_version("penalty"))}
    assert (limits["CF_SY"], limits["CF_NR"], limits["CF_XDR_MC"], limits["CF_WSH"]) == (
        4000,
        4000,
        200,
        128,
    )


def test_an_overlong_fact_is_a_row_error_naming_row_column_limit_and_length(
    run_file, scjg, tmp_path
):
    rows = [penalty_row(1), penalty_row(2, **{"违法事实": "事" * 5000}), penalty_row(3)]
    batch = run_file(scjg, write_csv(tmp_path / "long.csv", rows), policy="reject_failed_rows")
    assert batch.state == BatchState.DONE
    assert (batch.new_rows, batch.error_rows) == (2, 1)
    error = batch.errors.get()
    assert (error.row, error.column, error.code) == (3, "违法事实", "max_length")
    assert "5000" in error.message and "4000" in error.message
    assert len(error.message) < 100  # the value itself is not echoed
    assert Record.objects.count() == 2


def test_a_text_field_without_a_catalog_limit_gets_the_default():
    field = Field(code="X_NOTE", label="说明", type=FieldType.TEXT, max_length=None, rules={})
    validator = RowValidator([field], None, dt.date.today())
    columns = map_header(["说明"], [field])
    ok = validator.validate(2, ["字" * DEFAULT_TEXT_MAX_LENGTH], columns)
    too_long = validator.validate(3, ["字" * (DEFAULT_TEXT_MAX_LENGTH + 1)], columns)
    assert ok.problems == []
    assert [p.code for p in too_long.problems] == ["max_length"]
    assert f"超过上限 {DEFAULT_TEXT_MAX_LENGTH}" in too_long.problems[0].message


def test_a_changed_limit_is_a_new_catalog_version(catalog, system_actor, tmp_path):
    from credit.catalog import services as catalog_services
    from credit.catalog.services import DEFINITIONS_DIR

    admin = system_actor
    before = queries.current_version("penalty").number
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, folder)
    path = folder / "penalty.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    next(f for f in data["fields"] if f["code"] == "CF_SY")["max_length"] = 3000
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    catalog_services.load_definitions(admin, folder)
    version = queries.current_version("penalty")
    assert version.number == before + 1
    assert next(f for f in queries.fields_of(version) if f.code == "CF_SY").max_length == 3000
    # Unchanged definitions keep their version.
    catalog_services.load_definitions(admin, folder)
    assert queries.current_version("penalty").number == before + 1
