"""`credit import`: exit status 0 accepted, 1 rows rejected, 2 unusable; report written."""

import csv

import pytest
from django.core.management import call_command

from .samples import SCJG_USCC, penalty_row, write_csv

pytestmark = pytest.mark.django_db


def run(*args):
    with pytest.raises(SystemExit) as exc:
        call_command("import", *args)
    return exc.value.code


def test_exit_status_and_report(scjg, catalog, tmp_path, capsys):
    good = write_csv(tmp_path / "good.csv", [penalty_row(1), penalty_row(2)])
    report = tmp_path / "out" / "report.csv"
    assert (
        run(str(good), "--dataset", "penalty", "--department", SCJG_USCC, "--report", str(report))
        == 0
    )
    assert "新增 2" in capsys.readouterr().out
    with open(report, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][-4:] == ["结果", "说明", "报送工作日", "是否超期"]
    assert [r[-4] for r in rows[1:]] == ["新增", "新增"]

    bad = write_csv(tmp_path / "bad.csv", [penalty_row(3), penalty_row(4, **{"处罚决定日期": "x"})])
    assert run(str(bad), "--dataset", "penalty", "--department", SCJG_USCC) == 1
    assert (
        run(
            str(bad),
            "--dataset",
            "penalty",
            "--department",
            SCJG_USCC,
            "--policy",
            "reject_failed_rows",
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "第 3 行 [date_format]" in out


def test_unusable_input_exits_2(scjg, catalog, tmp_path, capsys):
    assert (
        run(str(tmp_path / "missing.csv"), "--dataset", "penalty", "--department", SCJG_USCC) == 2
    )
    assert "文件不存在" in capsys.readouterr().err
    good = write_csv(tmp_path / "good.csv", [penalty_row(1)])
    assert run(str(good), "--dataset", "nope", "--department", SCJG_USCC) == 2
    assert "未知的信息事项" in capsys.readouterr().err
    assert run(str(good), "--dataset", "penalty", "--department", "91210502MA0000001X") == 2
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert run(str(empty), "--dataset", "penalty", "--department", SCJG_USCC) == 2
