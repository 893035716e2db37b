"""The two hot read paths in-process, without HTTP: the single credit check by USCC and the
信用档案 profile read, CPU per call in this Python process and in the PostgreSQL backend.

Usage:
    CREDIT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \
        uv run python bench/readpath_bench.py [--subjects 20000] [--calls 1000] [--fresh]

For machines without wrk, or to compare two versions of a read path quickly: the data is
bench/check_bench.py's (subjects, 1 % black-listed, 0.4 % red-listed, 5 % with one
shareable penalty) loaded into the database CREDIT_DATABASE_URL names (dropped and created
again with --fresh). Throughput on a shared 2-core machine follows the sum of the two CPU
figures, which drift far less than wall time does while neighbours run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))


def _point_check_bench_at(url: str):
    """check_bench with its database names replaced by the one `url` names."""
    import check_bench

    name = urlsplit(url).path.lstrip("/")
    server = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)
    check_bench.DB_NAME = name
    check_bench.SERVER = server
    check_bench.DSN = f"{server}/{name}"
    os.environ["CREDIT_DATABASE_URL"] = url
    os.environ["BENCH_DSN"] = check_bench.DSN
    return check_bench


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def per_call(call, args: list, pid: int) -> dict:
    for arg in args[:50]:
        call(arg)
    db0, py0, wall0 = _backend_cpu(pid), time.process_time(), time.perf_counter()
    for arg in args:
        call(arg)
    n = len(args)
    return {
        "python_ms": round((time.process_time() - py0) / n * 1000, 3),
        "postgres_ms": round((_backend_cpu(pid) - db0) / n * 1000, 3),
        "wall_ms": round((time.perf_counter() - wall0) / n * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("CREDIT_DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("CREDIT_DATABASE_URL must name a PostgreSQL database")
    check_bench = _point_check_bench_at(url)
    check_bench.ensure_database(args.fresh)
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from credit.checks import fastpath
    from credit.checks.resolve import SubjectQuery
    from credit.checks.store import run_check
    from credit.core.actors import Actor
    from credit.portal import present, profile_page
    from credit.subjects.models import Subject

    print("data:", check_bench.generate(args.subjects) or "reused")
    rng = random.Random(7)
    codes = [check_bench.uscc_of(n) for n in rng.sample(range(args.subjects), args.calls)]
    with_rows = list(
        Subject.objects.filter(public_id__startswith="B")
        .filter(records__isnull=False)
        .values_list("public_id", flat=True)
        .distinct()[: args.calls]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    print("queries per single check:", check_bench.count_queries(codes))
    actor = Actor.system("bench")
    today = timezone.localdate()
    results = {
        "single check (run_check)": per_call(
            lambda code: run_check(actor, "bidding", [{"uscc": code}], "bench"),
            codes,
            pid,
        ),
        "check lookup only (fast path)": per_call(
            lambda code: fastpath.lookup_single([SubjectQuery(uscc=code)], today),
            codes,
            pid,
        ),
        "profile read (profile_page.load)": per_call(
            lambda public_id: profile_page.load(public_id, today), with_rows, pid
        ),
        # What the page builds from the read: masked sections (no HTML).
        "profile page data (load + present)": per_call(
            lambda public_id: present.profile_page(public_id, profile_page.load(public_id, today)),
            with_rows,
            pid,
        ),
    }
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for label, figures in results.items():
        print(f"{label:36} {figures}")


if __name__ == "__main__":
    main()
