"""The validator's hook for dataset-specific row checks."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.catalog import queries
from credit.collection.validation import RowValidator, map_header

from .samples import SCJG_USCC, penalty_row

pytestmark = pytest.mark.django_db


def test_row_checks_run_on_valid_rows_and_name_label_and_exchange_code(catalog):
    fields = queries.fields_of(queries.current_version("penalty"))
    seen: list[dict] = []

    def row_check(values):
        seen.append(values)
        if values["CF_XDR_MC"].endswith("2"):
            yield "CF_XDR_MC", "name_refused", "名称不被接受"

    validator = RowValidator(fields, SCJG_USCC, dt.date.today(), [row_check])
    rows = [penalty_row(1), penalty_row(2), penalty_row(3, **{"处罚决定日期": "x"})]
    columns = map_header(list(rows[0]), fields)
    results = [validator.validate(n, list(row.values()), columns) for n, row in enumerate(rows, 2)]

    assert results[0].problems == []
    problem = results[1].problems[0].as_dict()
    label = next(f.label for f in fields if f.code == "CF_XDR_MC")
    assert (problem["row"], problem["column"], problem["code"]) == (3, label, "name_refused")
    assert problem["message"] == f"「{label}」（CF_XDR_MC）：名称不被接受"
    # A row failing its field rules is not handed to the check.
    assert [problem.code for problem in results[2].problems] == ["date_format"]
    assert len(seen) == 2
