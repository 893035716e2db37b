"""Dates before the working-day calendar, out of range, Excel serials, "no end" markers
(issue 10, #20): real GB18030 CSV and XLSX files through the import service."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from credit.collection import services
from credit.collection.models import BatchState
from credit.core import workdays
from credit.core.actors import Actor
from credit.records.models import Record

from .samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _row(n: int, decided: str, **overrides) -> dict:
    row = penalty_row(n, **{"处罚有效期": "2099/12/31", "公示截止期": ""})
    row["处罚决定日期"] = decided
    row.update(overrides)
    return row


def test_calendar_knows_2004_on_and_older_years_are_unknown_not_missing():
    assert workdays.before_calendar(dt.date(2003, 12, 31))
    assert not workdays.before_calendar(dt.date(2004, 1, 1))
    assert workdays.workdays_or_unknown(dt.date(2003, 5, 6), TODAY) is None
    assert workdays.workdays_or_unknown(dt.date(2004, 1, 2), dt.date(2004, 1, 5)) == 1


def test_old_decisions_are_accepted_with_unknown_timeliness(run_file, scjg, tmp_path):
    rows = [
        _row(1, "2003/05/06"),
        _row(2, "1949/10/01"),
        _row(3, (TODAY - dt.timedelta(days=3)).strftime("%Y/%m/%d")),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "old.csv", rows))
    assert batch.state == BatchState.DONE, list(batch.errors.values_list("message", flat=True))
    assert (batch.new_rows, batch.error_rows, batch.late_rows) == (3, 0, 0)
    by_day = {r.decision_date: r for r in Record.objects.all()}
    old = by_day[dt.date(2003, 5, 6)]
    assert (old.workdays_to_receipt, old.is_late) == (None, False)
    # An old penalty's publicity window (months from the decision) has simply ended.
    assert old.visibility == "ended" and old.public_until < TODAY
    assert by_day[dt.date(1949, 10, 1)].workdays_to_receipt is None
    assert by_day[TODAY - dt.timedelta(days=3)].workdays_to_receipt is not None

    text = services.build_report(Actor.system(), batch, "csv").read_bytes().decode("utf-8-sig")
    report = list(csv.reader(io.StringIO(text)))
    assert [r[-2:] for r in report[1:3]] == [["无法计算", "无法计算"]] * 2
    assert report[3][-1] == "否"


def test_implausible_dates_are_out_of_range_not_a_missing_calendar(run_file, scjg, tmp_path):
    rows = [
        _row(1, "1899/12/31"),
        _row(2, "0001/01/01"),
        _row(3, "1"),  # Excel serial 1 = 1900/01/01
        _row(4, "60"),  # Excel serial 60 = the fake 1900/02/29
        _row(5, "45292"),  # Excel serial 45292 = 2024/01/01: a real date
        _row(6, "1949/09/30"),
        _row(7, "9999/12/31"),  # a decision date cannot be "no end"
        _row(8, "0"),
        _row(9, "9999999"),  # past Excel's last serial (9999/12/31)
    ]
    batch = run_file(scjg, write_csv(tmp_path / "typos.csv", rows), policy="reject_failed_rows")
    assert batch.state == BatchState.DONE
    errors = {e.row: e for e in batch.errors.all()}
    assert sorted(errors) == [2, 3, 4, 5, 7, 8, 9, 10]
    assert errors[9].code == errors[10].code == "date_format"
    assert all("节假日" not in e.message for e in errors.values())
    assert errors[2].code == "date_range" and "1899/12/31" in errors[2].message
    assert "早于可接受的最早日期 1949/10/01" in errors[2].message
    assert errors[3].code == "date_range" and "0001/01/01" in errors[3].message
    assert errors[4].code == "date_range"
    assert "1900/01/01（Excel 日期序列值 1）" in errors[4].message
    assert errors[5].code == "date_format" and "1900/02/29" in errors[5].message
    assert errors[7].code == "date_range"
    assert errors[8].code == "date_range" and "9999/12/31" in errors[8].message
    assert errors[2].column == "处罚决定日期"
    (record,) = Record.objects.all()
    assert record.decision_date == dt.date(2024, 1, 1)


def test_excel_date_cells_with_serials_1_and_60(run_file, scjg, tmp_path):
    rows = [_row(1, ""), _row(2, ""), _row(3, "")]
    workbook = Workbook()
    sheet = workbook.active
    header = list(rows[0])
    sheet.append(header)
    column = header.index("处罚决定日期") + 1
    for number, (row, serial) in enumerate(zip(rows, (1, 60, 45292), strict=True), start=2):
        sheet.append([row[h] for h in header])
        cell = sheet.cell(row=number, column=column, value=serial)
        cell.number_format = "yyyy/mm/dd"
    path = tmp_path / "serials.xlsx"
    workbook.save(path)
    batch = run_file(scjg, path, policy="reject_failed_rows")
    assert batch.state == BatchState.DONE
    errors = {e.row: e for e in batch.errors.all()}
    assert sorted(errors) == [2, 3]
    assert {e.code for e in errors.values()} == {"date_range"}
    assert all("节假日" not in e.message and "1900/0" in e.message for e in errors.values())
    assert Record.objects.get().decision_date == dt.date(2024, 1, 1)


def test_end_dates_no_end_marker_and_order(run_file, scjg, tmp_path):
    decided = (TODAY - dt.timedelta(days=5)).strftime("%Y/%m/%d")
    before = (TODAY - dt.timedelta(days=30)).strftime("%Y/%m/%d")
    rows = [
        _row(1, decided, **{"处罚有效期": "9999/12/31"}),
        _row(2, decided, **{"处罚有效期": before}),
        _row(3, decided, **{"公示截止期": before}),
        _row(4, decided, **{"公示截止期": "9999/12/31"}),
        _row(5, decided, **{"处罚有效期": "2150/01/01"}),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "ends.csv", rows), policy="reject_failed_rows")
    errors = {e.row: (e.code, e.column) for e in batch.errors.all()}
    assert errors == {
        3: ("date_order", "处罚有效期"),
        4: ("date_order", "公示截止期"),
        6: ("date_range", "处罚有效期"),
    }
    data = {r.batch_row: r.data for r in Record.objects.all()}
    assert data[2]["CF_YXQ"] == "2099-12-31"  # 9999/12/31 is stored as the long-term marker
    assert data[5]["CF_GSJZQ"] == "2099-12-31"


def test_earliest_date_is_configurable(run_file, scjg, tmp_path, settings):
    settings.CREDIT_EARLIEST_DATE = "1978-01-01"
    batch = run_file(scjg, write_csv(tmp_path / "e.csv", [_row(1, "1977/12/31")]))
    assert batch.state == BatchState.REJECTED
    assert "早于可接受的最早日期 1978/01/01" in batch.errors.get().message
