"""The child process that reads one workbook: `python -m credit.collection.read_child PATH
max_rows=… memory_mb=… cpu_seconds=…`.

It limits its own address space and CPU time first (the limits travel on its command line;
the parent has inspected the workbook), then streams it to stdout as JSON lines: `{"sheet", "header"}`, then
`[[row_number, [values]], ...]` per batch of rows, then `{"end": true}`; or `{"problems": [...]}` for a file
problem. When the reader runs out of memory or time the process dies and the parent
(`readers._open_workbook_isolated`) tells the department the file cannot be read. It imports
no Django and touches no database.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

# Rows per JSON line: one encode, write and decode per batch instead of per row.
BATCH_ROWS = 500


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    if memory_mb > 0:
        size = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def main(argv: list[str]) -> int:
    from credit.collection.workbook_guard import Limits

    path, limits = Path(argv[0]), Limits.from_args(argv[1:])
    _limit(limits.memory_mb, limits.cpu_seconds)

    import orjson

    from credit.collection import readers
    from credit.collection.errors import FileProblem

    # The parent inspected the workbook before starting this process. Large writes: a
    # small buffer would cost a system call and a context switch every few rows.
    out = open(sys.stdout.fileno(), "wb", buffering=1 << 20, closefd=False)  # noqa: SIM115
    try:
        table = readers._open_workbook(path)
        out.write(orjson.dumps({"sheet": table.sheet, "header": table.header}) + b"\n")
        batch: list = []
        for number, values in table.rows:
            batch.append((number, values))
            if len(batch) == BATCH_ROWS:
                out.write(orjson.dumps(batch) + b"\n")
                batch = []
        if batch:
            out.write(orjson.dumps(batch) + b"\n")
        out.write(b'{"end":true}\n')
    except FileProblem as exc:
        out.write(orjson.dumps({"problems": [p.as_dict() for p in exc.problems]}) + b"\n")
    except MemoryError:
        return 3
    except BrokenPipeError:  # the parent stopped reading (it closed the table early)
        return 0
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
