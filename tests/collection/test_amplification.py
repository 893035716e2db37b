"""Amplification: a small bad file must not become gigabytes of memory, a million stored
error rows, thousands of header errors or megabyte messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from credit.collection import errors
from credit.collection.models import BatchState
from credit.records.models import Record

from .files import make_bad_files as corpus
from .samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PEAK_LIMIT_MB = 300


def test_errors_past_the_cap_are_counted_not_stored(scjg, run_file, tmp_path):
    rows = [penalty_row(i, **{"处罚决定日期": f"坏日期{i}"}) for i in range(1, 31)]
    path = write_csv(tmp_path / "p.csv", rows + [penalty_row(99)])
    with override_settings(CREDIT_BATCH_MAX_ERRORS=10):
        batch = run_file(scjg, path, policy="reject_failed_rows")
    assert batch.state == BatchState.REJECTED
    assert "共发现 30 个问题" in batch.message and "仅保存前 10 条明细" in batch.message
    stored = list(batch.errors.order_by("id").values_list("row", "code"))
    assert len(stored) == 11
    assert stored[:10] == [(n, errors.DATE_FORMAT) for n in range(2, 12)]
    assert stored[10] == (None, errors.ERRORS_TRUNCATED)
    # Refused whole even under "reject failed rows": the undetailed rows cannot be told apart.
    assert not Record.objects.exists()


def test_errors_within_the_cap_keep_the_policy(scjg, run_file, tmp_path):
    rows = [penalty_row(i, **{"处罚决定日期": "x"}) for i in range(1, 6)] + [penalty_row(9)]
    with override_settings(CREDIT_BATCH_MAX_ERRORS=10):
        batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows), policy="reject_failed_rows")
    assert batch.state == BatchState.DONE and batch.new_rows == 1
    assert batch.errors.count() == 5


def test_header_errors_are_capped_and_the_missing_columns_kept(scjg, run_file, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"未知列{i}" for i in range(120)) + "\n" + "x," * 119 + "x\n")
    batch = run_file(scjg, path)
    assert batch.state == BatchState.REJECTED
    codes = list(batch.errors.order_by("id").values_list("code", flat=True))
    assert codes == [errors.HEADER_UNKNOWN] * 50 + [errors.HEADER_MISSING, errors.HEADER_TRUNCATED]
    assert "另有 70 个表头问题未逐一列出（表头共 120 列）" in batch.errors.last().message


def test_a_huge_cell_is_quoted_cut(scjg, run_file, tmp_path):
    # The largest value a file can bring: a CSV field just under the 1 MB field limit (a
    # 3 MB one refuses the file, see test_bad_files; XLSX cells stop at 32,767 characters).
    huge = "甲" * 1_000_000
    rows = [penalty_row(1, **{"行政相对人类别": huge, "处罚决定日期": huge})]
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows, "utf-8"))
    assert batch.state == BatchState.REJECTED
    messages = list(batch.errors.values_list("message", flat=True))
    assert len(messages) == 2
    assert all(len(m) < 300 and "…（共 1,000,000 个字符）" in m for m in messages), messages


# --- peak memory of every rejected file ----------------------------------------------------

_MEASURE = """
import json, resource, sys
from pathlib import Path
from credit.collection import readers
from credit.collection.errors import FileProblem
from credit.collection.workbook_guard import Limits
limits = Limits.from_args(sys.argv[2:])
try:
    table = readers.open_table(Path(sys.argv[1]), limits=limits)
    rows = sum(1 for _ in table.rows)
    table.close()
    outcome = f"read {rows} rows"
except FileProblem as exc:
    outcome = exc.problems[0].message
# VmHWM, not RUSAGE_SELF: ru_maxrss survives exec and would report the spawning
# process's own peak. The reader child's ru_maxrss starts from this small process's.
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
peak = max(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"outcome": outcome, "peak_mb": peak / 1024}))
"""


def peak_memory(path: Path, **limits) -> dict:
    """Read `path` as the pipeline does (inspection, then the reader child for a workbook)
    in a fresh process; its peak resident memory, counting the reader child, in MB."""
    args = [f"{k}={v}" for k, v in limits.items()]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=True,
    )
    return json.loads(done.stdout)


def test_peak_memory_of_every_rejected_file_stays_under_300_mb(tmp_path):
    files = corpus.write_all(tmp_path)
    files["memory_bomb"] = corpus.sparse_bomb(tmp_path / "memory_bomb.xlsx", last="XFD10001")
    for name, path in files.items():
        limits = {"max_rows": 1_000}
        if name == "memory_bomb":  # past the shapes, stopped by the reader's memory limit
            limits = {"max_columns": 16_384, "max_cells": 10**12, "memory_mb": 300}
        measured = peak_memory(path, **limits)
        assert not measured["outcome"].startswith("read"), (name, measured)
        assert measured["peak_mb"] < PEAK_LIMIT_MB, (name, measured)
