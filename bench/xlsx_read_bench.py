"""What the workbook inspection and the child reader cost, and what bad files cost now.

Usage:
    uv run python bench/xlsx_read_bench.py [--rows 100000]

1. A penalty-shaped XLSX of --rows rows × 18 columns (inline strings) is read three ways,
   each in a fresh process so that its peak RSS is its own: the inspection alone
   (`workbook_guard.inspect_xlsx`), calamine in the process (the reading before this
   change), and `readers.open_table` (inspection, then the memory-limited child reader).
2. Every file of the bad-file corpus (tests/collection/files/make_bad_files.py) is opened
   as the pipeline opens it; time to refusal and peak RSS (the reader child included).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(ROOT))

from tests.collection.files import make_bad_files as corpus  # noqa: E402

COLUMNS = 18

_RUN = """
import json, resource, sys, time
from pathlib import Path
from credit.collection import readers, workbook_guard
from credit.collection.errors import FileProblem
from credit.collection.workbook_guard import Limits
how, path = sys.argv[1], Path(sys.argv[2])
limits = Limits.from_args(sys.argv[3:])
start = time.perf_counter()
rows = 0
outcome = "read"
try:
    if how == "inspect":
        workbook_guard.inspect_xlsx(path, limits)
    else:
        opener = readers._open_workbook if how == "in_process" else (
            lambda p: readers.open_table(p, limits=limits))
        table = opener(path)
        rows = sum(1 for _ in table.rows)
        table.close()
except FileProblem as exc:
    outcome = exc.problems[0].message[:60]
seconds = time.perf_counter() - start
# VmHWM, not RUSAGE_SELF: ru_maxrss survives exec and would report the spawning
# process's own peak. The reader child's ru_maxrss starts from this small process's.
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
peak = max(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak / 1024, "outcome": outcome}))
"""


def run(how: str, path: Path, *limits: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, how, str(path), *limits],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout)


def penalty_workbook(rows: int) -> Path:
    path = OUT / f"penalties_{rows}.xlsx"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        header = [f"字段{c}" for c in range(1, COLUMNS + 1)]
        parts = [corpus.row(1, header)]
        for n in range(2, rows + 2):
            values = [f"本溪市测试商贸有限公司{n}", "法人及非法人组织", f"本市监罚〔2026〕{n}号"]
            values += [f"2026/0{1 + n % 9}/1{n % 10}"] * 2
            values += [f"内容{n % 97}-{c}" for c in range(COLUMNS - len(values))]
            parts.append(corpus.row(n, values))
        dimension = f"A1:{corpus.column_name(COLUMNS)}{rows + 1}"
        corpus.workbook(path, corpus.sheet_xml("".join(parts), dimension))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    path = penalty_workbook(args.rows)
    print(
        f"penalty-shaped XLSX: {args.rows:,} rows × {COLUMNS} columns, "
        f"{path.stat().st_size / 1e6:.1f} MB"
    )
    for how in ("inspect", "in_process", "child"):
        started = time.perf_counter()
        result = run(how, path)
        rate = f"{result['rows'] / result['seconds']:,.0f} rows/s" if result["rows"] else ""
        print(
            f"  {how:<11} {result['seconds']:6.2f} s  {rate:>16}  peak {result['peak_mb']:6.0f} MB"
            f"  (wall incl. start {time.perf_counter() - started:.2f} s)"
        )
    print("bad-file corpus, as the pipeline opens it (default limits; dense: 1,000 rows):")
    files = corpus.write_all(OUT / "bad-files")
    files["memory_bomb"] = corpus.sparse_bomb(OUT / "bad-files" / "memory_bomb.xlsx", "XFD10001")
    for name, file in files.items():
        limits = ["max_rows=1000"] if name == "dense" else []
        if name == "memory_bomb":
            limits = ["max_columns=16384", "max_cells=1000000000000", "memory_mb=300"]
        result = run("child", file, *limits)
        print(
            f"  {name:<16} {file.stat().st_size:>10,} B  {result['seconds']:6.2f} s  "
            f"peak {result['peak_mb']:5.0f} MB  {result['outcome']}"
        )


if __name__ == "__main__":
    main()
