"""Commitments through the real import path: GB18030 CSV and XLSX files and the JSON push,
the consumer keeping each Commitment in step, and bad rows refused with their row, column
and a Chinese message (nothing stored)."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.collection import services as collection
from credit.collection.models import BatchState
from credit.collection.queries import batch_errors
from credit.commitments.models import Commitment, Fulfilment
from credit.core.actors import Actor
from credit.records.models import Record
from tests.collection.samples import write_csv, write_xlsx

from .samples import code_for, commitment_row

pytestmark = pytest.mark.django_db
MADE = dt.date(2026, 9, 30)


def _run(dept, path, actor=None):
    return collection.submit_file(
        actor or Actor.system(),
        dataset_code="commitment",
        department=dept,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )


def _errors(batch) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in batch_errors(batch)]


def test_gb18030_csv_and_xlsx_make_commitments(catalog, scjg, tmp_path):
    csv_rows = [commitment_row(1, made=MADE), commitment_row(2, made=MADE, 承诺类型="主动型")]
    batch = _run(scjg, write_csv(tmp_path / "承诺.csv", csv_rows, encoding="gb18030"))
    assert batch.state == BatchState.DONE, _errors(batch)
    assert batch.new_rows == 2
    xlsx_rows = [commitment_row(3, made=MADE, 核查期限="", 承诺类型="行业自律型")]
    batch = _run(scjg, write_xlsx(tmp_path / "承诺.xlsx", xlsx_rows))
    assert batch.state == BatchState.DONE, _errors(batch)
    found = {c.code: c for c in Commitment.objects.all()}
    assert set(found) == {code_for(MADE, n) for n in (1, 2, 3)}
    assert found[code_for(MADE, 2)].get_kind_display() == "主动型"
    assert found[code_for(MADE, 3)].due_on is None  # 行业自律型: no due date by default
    assert all(c.state == Fulfilment.PENDING for c in found.values())
    assert found[code_for(MADE, 1)].record.data["CN_LYZT"] == "未到期"


def test_a_department_verifies_kept_by_file(catalog, scjg, tmp_path):
    _run(scjg, write_csv(tmp_path / "a.csv", [commitment_row(1, made=MADE)]))
    again = [commitment_row(1, made=MADE, 履约状态="履约", 核查日期="2026/10/20")]
    batch = _run(scjg, write_csv(tmp_path / "b.csv", again))
    assert batch.state == BatchState.DONE, _errors(batch)
    assert batch.updated_rows == 1
    commitment = Commitment.objects.get()
    assert commitment.state == Fulfilment.KEPT
    assert commitment.verified_on == dt.date(2026, 10, 20)
    assert commitment.record.version_no == 2


def test_bad_rows_are_refused_with_row_and_column(catalog, scjg, sthj, operator_user, tmp_path):
    _run(scjg, write_csv(tmp_path / "a.csv", [commitment_row(9, made=MADE)]))
    rows = [
        commitment_row(1, made=MADE, 承诺编码="2105002026093000001"),  # 19 digits
        commitment_row(2, made=MADE, 承诺编码="210500202609310000002"[:20]),  # 31 September
        commitment_row(3, made=MADE, 承诺编码=code_for(MADE - dt.timedelta(days=1), 3)),
        commitment_row(4, made=MADE, 承诺类型="主动型", 是否公开="否"),
        commitment_row(5, made=MADE, 履约状态="失信"),
        commitment_row(6, made=MADE, 承诺类型="信用修复型"),
        commitment_row(7, made=MADE, 承诺类型="口头型"),
    ]
    batch = _run(scjg, write_csv(tmp_path / "bad.csv", rows), Actor.for_user(operator_user))
    assert batch.state == BatchState.REJECTED
    errors = _errors(batch)
    by_row = {row: (column, message) for row, column, message in errors}
    assert by_row[2] == (
        "承诺编码",
        "「承诺编码」（CN_CNBM）：应为 20 位数字：6 位行政区划代码 + 8 位承诺日期 + 6 位流水号",
    )
    assert by_row[3][0] == "承诺编码" and "不是有效日期" in by_row[3][1]
    assert by_row[4][0] == "承诺编码" and "与承诺日期 2026-09-30 不一致" in by_row[4][1]
    assert by_row[5][0] == "是否公开" and by_row[5][1].endswith(
        "主动型承诺应当向社会公开，「是否公开」不能为“否”"
    )
    assert by_row[6][0] == "履约状态" and "承诺核查" in by_row[6][1]
    assert by_row[7][0] == "承诺类型" and "由平台在信用修复申请中生成" in by_row[7][1]
    assert by_row[8][0] == "承诺类型"
    assert Commitment.objects.count() == 1
    assert Record.objects.filter(dataset__code="commitment").count() == 1
    # The same code from another department: 承诺编码 is unique in the city.
    other = commitment_row(
        9,
        made=MADE,
        受理单位=sthj.name,
        受理单位统一社会信用代码=sthj.uscc,
        数据来源单位=sthj.name,
        数据来源单位统一社会信用代码=sthj.uscc,
    )
    batch = _run(sthj, write_csv(tmp_path / "other.csv", [other]))
    assert batch.state == BatchState.REJECTED
    assert "已由其他受理单位使用" in _errors(batch)[0][2]


def test_a_broken_commitment_cannot_be_undone_by_file(catalog, scjg, tmp_path):
    from credit.commitments import services

    _run(scjg, write_csv(tmp_path / "a.csv", [commitment_row(1, made=MADE)]))
    services.mark_broken(
        Commitment.objects.get(),
        facts="承诺不实",
        decision="本市监信〔2026〕3号",
        actor=Actor.system(),
    )
    batch = _run(
        scjg, write_csv(tmp_path / "b.csv", [commitment_row(1, made=MADE, 履约状态="履约")])
    )
    assert batch.state == BatchState.REJECTED
    assert "已认定失信" in _errors(batch)[0][2]
    assert Commitment.objects.get().state == Fulfilment.BROKEN
