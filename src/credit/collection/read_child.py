"""The child process that reads one workbook: `python -m credit.collection.read_child PATH
max_rows=… memory_mb=… cpu_seconds=…`.

It limits its own address space and CPU time first, then inspects the workbook again (the
limits travel with it) and streams it to stdout as JSON lines: `{"sheet", "header"}`, then
`[row_number, [values]]` per row, then `{"end": true}`; or `{"problems": [...]}` for a file
problem. When the reader runs out of memory or time the process dies and the parent
(`readers._open_workbook_isolated`) tells the department the file cannot be read. It imports
no Django and touches no database.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path


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

    from credit.collection import readers, workbook_guard
    from credit.collection.errors import FileProblem

    out = sys.stdout.buffer
    try:
        workbook_guard.inspect_xlsx(path, limits)
        table = readers._open_workbook(path)
        out.write(orjson.dumps({"sheet": table.sheet, "header": table.header}) + b"\n")
        for number, values in table.rows:
            out.write(orjson.dumps([number, values]) + b"\n")
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
