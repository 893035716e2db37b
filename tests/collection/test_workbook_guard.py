"""The workbook inspection on hand-made sheets: what it finds without trusting the declared
dimension, on the fast path (standard writers) and the exact one (cells without r, prefixed
tags)."""

from __future__ import annotations

import pytest

from credit.collection import errors
from credit.collection.errors import FileProblem
from credit.collection.workbook_guard import Limits, column_name, column_number, inspect_xlsx

from .files import make_bad_files as corpus

LIMITS = Limits(max_rows=100, max_columns=200, max_cells=5_000)


def _refused(path, limits=LIMITS) -> str:
    with pytest.raises(FileProblem) as caught:
        inspect_xlsx(path, limits)
    assert caught.value.problems[0].code == errors.FILE_LIMIT
    return caught.value.problems[0].message


def test_column_names_round_trip():
    for n in (1, 26, 27, 200, 702, 703, 16_384):
        assert column_number(column_name(n)) == n
    assert column_name(200) == "GR" and column_name(16_384) == "XFD"


def test_rows_are_counted_when_no_dimension_is_declared(tmp_path):
    rows = "".join(corpus.row(n, ["a", "b"]) for n in range(1, 151))
    path = corpus.workbook(tmp_path / "a.xlsx", corpus.sheet_xml(rows))
    assert "工作表有 150 行（含表头），超过上限 100 行" in _refused(path)


def test_a_cell_past_the_column_limit_is_found_behind_a_small_dimension(tmp_path):
    rows = corpus.row(1, ["a"]) + '<row r="2">' + corpus.cell("GS2", "x") + "</row>"
    path = corpus.workbook(tmp_path / "a.xlsx", corpus.sheet_xml(rows, "A1:A2"))
    assert "工作表有 201 列（到第 GS 列），超过上限 200 列" in _refused(path)


def test_the_last_column_within_the_limit_passes(tmp_path):
    rows = corpus.row(1, ["a"]) + '<row r="2">' + corpus.cell("GR2", "x") + "</row>"
    path = corpus.workbook(tmp_path / "a.xlsx", corpus.sheet_xml(rows))
    shape = inspect_xlsx(path, LIMITS)
    assert not shape.exact and shape.rows == 2


def test_declared_area_past_the_cell_limit(tmp_path):
    path = corpus.workbook(tmp_path / "a.xlsx", corpus.sheet_xml(corpus.row(1, ["a"]), "A1:CV99"))
    assert "99 行 × 100 列，单元格数超过上限 5,000 个" in _refused(path)


def test_cells_without_references_are_placed_exactly(tmp_path):
    # 300 cells without r: the reader puts them in columns 1..300.
    rows = "<row>" + "<c/>" * 300 + "</row>"
    path = corpus.workbook(tmp_path / "a.xlsx", corpus.sheet_xml(rows))
    assert "工作表有 300 列（到第 KN 列），超过上限 200 列" in _refused(path)


def test_prefixed_tags_are_scanned_exactly(tmp_path):
    sheet = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:sheetData><x:row r="1"><x:c r="A1"/></x:row>'
        '<x:row r="5000"><x:c r="B5000"/></x:row></x:sheetData></x:worksheet>'
    )
    path = corpus.workbook(tmp_path / "a.xlsx", sheet)
    assert "工作表有 5,000 行（含表头），超过上限 100 行" in _refused(path)


def test_a_normal_workbook_passes(tmp_path):
    path = corpus.dense(tmp_path / "a.xlsx", 50, columns=20)
    shape = inspect_xlsx(path, LIMITS)
    assert (shape.rows, shape.cells, shape.declared) == (51, 51 * 20, "A1:T51")
