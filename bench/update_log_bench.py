"""Cost of the change log on the import's update path: hashes only (the old SQL insert)
against the changed values (read, diffed, ID numbers decrypted and masked, bulk insert).

Usage:
    uv run python bench/update_log_bench.py --rows 20000 [--database-url URL]

The database given (default: a fresh SQLite file under bench/out/) is migrated and
FLUSHED (every row deleted), then receives the benchmark's records: use a database of
your own. For each variant a file of
`rows` new penalties (a fifth of them persons with ID numbers) is imported, then the same
decisions with changed facts; the figure is the wall time of that second, updating import.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"


def _old_log_updates(cursor, batch, now, changed) -> None:
    """records.upsert._log_updates before the change: version and content hashes only."""
    from django.db import connection

    from credit.audit.models import ChangeLog
    from credit.records import upsert

    table = ChangeLog._meta.db_table
    obj = "json_build_object" if connection.vendor == "postgresql" else "json_object"
    cast = "::text" if connection.vendor == "postgresql" else ""
    before = f"{obj}('version', r.version_no, 'content_hash', r.content_hash, 'batch', r.batch_id)"
    after = f"{obj}('version', r.version_no + 1, 'content_hash', s.content_hash, 'batch', %s)"
    cursor.execute(
        f"""
        INSERT INTO {table} (at, actor_user_id, actor_client_id, actor_label, action,
            object_type, object_id, before, after, request_id)
        SELECT %s, %s, %s, %s, 'record_updated', 'record', r.id{cast},
            {upsert._json(before)}, {upsert._json(after)}, %s
        FROM {upsert.STAGING} s JOIN {upsert.RECORD} r ON {changed}
        """,
        [
            now,
            batch.created_by_id,
            batch.created_by_client_id,
            upsert._actor_label(batch),
            batch.id,
            f"batch:{batch.public_id}",
            batch.id,
            batch.dataset_id,
        ],
    )


def _write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="gb18030", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rows(start: int, count: int, changed: bool) -> list[dict]:
    from tests.collection.samples import penalty_row, person_penalty_row

    fact = (
        {"违法事实": "销售不合格产品（更正）", "处罚内容": "警告并处罚款3000元"} if changed else {}
    )
    persons = count // 5
    rows = [person_penalty_row(n, **fact) for n in range(start, start + persons)]
    rows += [penalty_row(n, **fact) for n in range(start + persons, start + count)]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{OUT / 'update_log.sqlite3'}"
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    os.environ.update(
        CREDIT_DATABASE_URL=url,
        CREDIT_DEBUG="1",
        CREDIT_MEDIA_ROOT=str(OUT / "media"),
        CREDIT_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="credit.settings",
    )
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if not url.startswith("sqlite"):
        call_command("flush", interactive=False, verbosity=0)  # a previous run's records
    call_command("load_catalog", verbosity=0)
    from tests.collection.samples import SCJG_NAME, SCJG_USCC

    from credit.accounts.models import Department
    from credit.audit.models import ChangeLog
    from credit.collection import services
    from credit.core.actors import Actor
    from credit.records import upsert

    department, _ = Department.objects.get_or_create(uscc=SCJG_USCC, defaults={"name": SCJG_NAME})
    new_log = upsert._log_updates

    def run(path: Path):
        started = time.perf_counter()
        batch = services.submit_file(
            Actor.system(label="benchmark"),
            dataset_code="penalty",
            department=department,
            fileobj=path,
            filename=path.name,
            run_now=True,
        )
        return time.perf_counter() - started, batch

    # Each variant twice, on its own decisions (document numbers).
    start = 1
    results: dict[str, list[float]] = {"hashes": [], "values": []}
    variants = [("hashes", _old_log_updates), ("values", new_log)]
    for round_no in range(2):
        # Alternating order: later imports meet bigger tables and indexes.
        for name, log in variants if round_no % 2 == 0 else variants[::-1]:
            upsert._log_updates = log
            first = _write(OUT / f"upd_{name}_a.csv", _rows(start, args.rows, False))
            again = _write(OUT / f"upd_{name}_b.csv", _rows(start, args.rows, True))
            _, batch = run(first)
            assert batch.new_rows == args.rows, batch.message
            seconds, batch = run(again)
            assert batch.updated_rows == args.rows, batch.message
            results[name].append(seconds)
            start += args.rows
    entry = ChangeLog.objects.filter(action="record_updated").order_by("-id").first()
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{engine}, {args.rows:,} rows updated per import (a fifth persons):")
    for name, runs in results.items():
        best = min(runs)
        print(f"  change log with {name:<6}: {best:6.2f} s  ({args.rows / best:,.0f} rows/s)")
    print(f"  last row: before={entry.before} after={entry.after}")
    print(f"  at {dt.datetime.now():%Y-%m-%d %H:%M}")


if __name__ == "__main__":
    main()
