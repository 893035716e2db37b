"""Import under stale statistics: time per phase for growing batches (issue 10, item 5).

Usage:
    uv run python bench/stale_stats_bench.py [--sizes 3000,30000,300000] [--database-url URL]
        [--other-rows 100000] [--explain] [--src DIR]

URL defaults to $CREDIT_DATABASE_URL and must be PostgreSQL; the benchmark's own database
`credit_bench_stale` on that server is dropped and recreated. Before each import the staging
table is made stale the way a late or switched-off autovacuum leaves it: another batch's
rows (`--other-rows`, very different keys) are staged, the table is analysed while it holds
them, and they are deleted. Then a penalty CSV made with the demo generators
(credit.collection.demo, cached under bench/out/) is imported through the real service, in
a child process. Sizes are imported one after the other into the same database, as
departments' batches arrive. Printed per size: seconds per phase (from the pipeline's own
phase log), the time ANALYZE took, total seconds and rows/s. Time should grow linearly.

`--explain` prints the plan of every statement the pipeline runs on the staging table (as
it runs). `--src DIR` imports with another checkout's `src` (e.g. `git archive` of an older
commit), to measure the code before a change.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
BENCH_DB = "credit_bench_stale"
DEPARTMENT = "本溪市市场监督管理局"
STAGING = "collection_stagedrow"


def pg_conninfo(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql", path="/" + dbname))


def bench_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + BENCH_DB))


def child_env(url: str, src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CREDIT_DATABASE_URL=url,
        CREDIT_DEBUG="1",  # development secrets; DEBUG itself is switched off in the child
        CREDIT_MEDIA_ROOT=str(OUT / "media-stale"),
        CREDIT_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")])),
    )
    return env


def fresh_database(url: str, src: Path) -> None:
    import psycopg

    with psycopg.connect(pg_conninfo(url, "postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    env = child_env(bench_url(url), src)
    manage = [sys.executable, "-m", "credit.manage"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    subprocess.run([*manage, "load_catalog", "-v0"], check=True, env=env, cwd=ROOT)
    child(url, src, "departments")


def child(url: str, src: Path, what: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, "--child", what, "--src", str(src), *args],
        check=True,
        env=child_env(bench_url(url), src),
        stdout=subprocess.PIPE,
        text=True,
    )
    return done.stdout


def make_stale(url: str, other_rows: int) -> float:
    """Stage another batch, analyse staging while it holds it, delete it unanalysed."""
    import psycopg

    with psycopg.connect(pg_conninfo(url, BENCH_DB), autocommit=True) as conn:
        conn.execute(
            f"""
            INSERT INTO {STAGING} (batch_id, row_no, subject_kind, subject_name, name_norm, uscc,
                org_code, id_digest, id_cipher, legal_rep, region_code, new_public_id,
                authority_uscc, authority_name, doc_number, doc_key, decision_date, severity,
                data, content_hash, workdays, is_late, public_from, public_until, visibility)
            SELECT 0, g, 'organization', '别的批次' || g, '别的批次' || g, 'U' || g, '', NULL,
                '', '', '210502', 'p' || g, '12210500000000000X', '别的机关', 'd' || g, 'd' || g,
                DATE '2020-01-01', '一般', '{{}}', md5(g::text), 1, FALSE, NULL, NULL,
                'not_published'
            FROM generate_series(1, %s) g
            """,
            [other_rows],
        )
        started = time.perf_counter()
        conn.execute(f"ANALYZE {STAGING}")
        analyse = time.perf_counter() - started
        conn.execute(f"DELETE FROM {STAGING} WHERE batch_id = 0")
    return analyse


def generate(rows: int) -> Path:
    """A penalty CSV of `rows` rows from the demo generators (GB18030, as departments send)."""
    path = OUT / f"stale_penalties_{rows}.csv"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT / "src"))
    import datetime as dt
    import random

    from credit.collection.demo import generate as demo
    from credit.collection.demo import rows as demo_rows

    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    people = demo.subjects(max(rows // 3, 100), rng)
    uscc = "11210500MB1544202W"  # 本溪市市场监督管理局, as shipped in the departments' data
    today = dt.date.today()
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        for i in range(rows):
            row = demo_rows.penalty_row(
                rows * 100 + i,  # unique document numbers across the sizes
                people[rng.randrange(len(people))],
                (DEPARTMENT, uscc),
                today - dt.timedelta(days=rng.randrange(3, 300)),
                rng,
            )
            if i == 0:
                writer.writerow(list(row))
            writer.writerow(list(row.values()))
    tmp.rename(path)
    return path


# -- in the child ----------------------------------------------------------------------------


def _django(src: Path) -> None:
    sys.path.insert(0, str(src))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log: production behaviour


def child_departments() -> None:
    from credit.accounts import services as accounts
    from credit.core.actors import Actor

    accounts.seed_departments(Actor.system("基准测试"))


class _PhaseLog:
    """Keeps the pipeline's "batch …: phase 1.2s, …" line."""

    def __init__(self):
        import logging

        self.phases: dict[str, float] = {}
        handler = logging.Handler()
        handler.emit = self._emit
        logger = logging.getLogger("credit.collection.pipeline")
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)

    def _emit(self, record) -> None:
        message = record.getMessage()
        if ": " not in message or not message.startswith("batch "):
            return
        for part in message.split(": ", 1)[1].split(", "):
            name, _, seconds = part.rpartition(" ")
            if seconds.endswith("s"):
                self.phases[name] = float(seconds[:-1])


def _explainer(plans: list):
    from django.db import connection

    def wrapper(execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper()
        if STAGING in sql and not many and verb in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            raw = context["cursor"].cursor
            raw.execute("EXPLAIN " + sql, params)
            plans.append((" ".join(sql.split())[:100], [r[0] for r in raw.fetchall()]))
        return execute(sql, params, many, context)

    return connection.execute_wrapper(wrapper)


def child_import(path: Path, explain: bool) -> None:
    import contextlib

    from credit.accounts.models import Department
    from credit.collection import services, staging
    from credit.core.actors import Actor

    phases = _PhaseLog()
    analysed = []
    refresh = getattr(staging, "refresh_statistics", None)
    if refresh is not None:  # absent before the change (--src of an older checkout)

        def timed():
            started = time.perf_counter()
            refresh()
            analysed.append(time.perf_counter() - started)

        staging.refresh_statistics = timed
    plans: list = []
    department = Department.objects.get(name=DEPARTMENT)
    started = time.perf_counter()
    with _explainer(plans) if explain else contextlib.nullcontext():
        batch = services.submit_file(
            Actor.system(label="基准测试"),
            dataset_code="penalty",
            department=department,
            fileobj=path,
            filename=path.name,
            run_now=True,
        )
    elapsed = time.perf_counter() - started
    for head, plan in plans:
        print(f"-- {head}")
        print("\n".join(plan))
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "state": batch.state,
                "message": batch.message,
                "total": batch.total_rows,
                "new": batch.new_rows,
                "errors": batch.error_rows,
                "phases": phases.phases,
                "analyse": sum(analysed),
            }
        )
    )


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="3000,30000,300000")
    parser.add_argument("--other-rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("CREDIT_DATABASE_URL", ""))
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--child", choices=["departments", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    src = Path(args.src).resolve()
    if args.child:
        _django(src)
        if args.child == "departments":
            return child_departments()
        return child_import(Path(args.file), args.explain)

    if not urlsplit(args.database_url).scheme.startswith("postgres"):
        sys.exit("PostgreSQL only: pass --database-url postgres://… or set CREDIT_DATABASE_URL")
    sizes = [int(s) for s in args.sizes.split(",")]
    files = {size: generate(size) for size in sizes}
    fresh_database(args.database_url, src)
    print(f"PostgreSQL, code from {src}; staging analysed holding {args.other_rows:,} other rows")
    results = []
    for size in sizes:
        stale_analyse = make_stale(args.database_url, args.other_rows)
        extra = ["--explain"] if args.explain else []
        out = child(args.database_url, src, "import", "--file", str(files[size]), *extra)
        lines = out.strip().splitlines()
        if args.explain:
            print("\n".join(lines[:-1]))
        result = json.loads(lines[-1])
        results.append((size, result))
        phases = ", ".join(f"{k} {v:.1f}" for k, v in result["phases"].items())
        print(
            f"{size:>9,} rows  {result['seconds']:7.1f} s  {size / result['seconds']:>7,.0f} rows/s"
            f"  ANALYZE in import {result['analyse']:.2f} s (other batch's: {stale_analyse:.2f} s)"
            f"  state={result['state']} new={result['new']} errors={result['errors']}"
        )
        print(f"           phases (s): {phases}")
    base_size, base = results[0]
    for size, result in results[1:]:
        print(
            f"{size:,} / {base_size:,} rows: {size / base_size:.0f}x rows, "
            f"{result['seconds'] / base['seconds']:.1f}x time"
        )


if __name__ == "__main__":
    main()
