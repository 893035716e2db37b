"""Import benchmark: the real penalty import against a raw COPY of the same file.

Usage:
    uv run python bench/import_bench.py --rows 1000000 [--database-url URL]

URL defaults to $CREDIT_DATABASE_URL. For PostgreSQL the database `credit_bench` on that
server is dropped and recreated; for SQLite a fresh file under bench/out/ is used. The
generated CSV is cached under bench/out/. Every figure comes from the same run: the raw
load first (the yardstick), then the import, then a re-import of the same file.

Each import runs in a child process, so its peak RSS (ru_maxrss) is the import's own.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
DEPARTMENT = ("本溪市市场监督管理局", "11210500MB1544202W")
BENCH_DB = "credit_bench"
COPY_CHUNK = 1 << 20


# -- setup -----------------------------------------------------------------------------


def generate(rows: int, subjects: int) -> Path:
    path = OUT / f"penalties_{rows}_{subjects}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "gen_penalties.py"),
                str(tmp),
                str(rows),
                "--subjects",
                str(subjects),
            ],
            check=True,
        )
        tmp.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def bench_url(url: str) -> str:
    """The benchmark's own database next to the one given (never the given one itself)."""
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        return urlunsplit(parts._replace(path="/" + BENCH_DB))
    return f"sqlite:///{OUT / 'bench.sqlite3'}"


def is_pg(url: str) -> bool:
    return urlsplit(url).scheme.startswith("postgres")


def pg_conninfo(url: str, dbname: str | None = None) -> str:
    parts = urlsplit(url)
    if dbname:
        parts = parts._replace(path="/" + dbname)
    return urlunsplit(parts._replace(scheme="postgresql"))


def fresh_database(url: str) -> None:
    if is_pg(url):
        import psycopg

        with psycopg.connect(pg_conninfo(url, "postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(str(OUT / "bench.sqlite3") + suffix).unlink(missing_ok=True)


def child_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CREDIT_DATABASE_URL=url,
        CREDIT_DEBUG="1",  # development secrets; DEBUG itself is switched off in the child
        CREDIT_MEDIA_ROOT=str(OUT / "media"),
        CREDIT_LOG_LEVEL="WARNING",
    )
    return env


def prepare(url: str) -> None:
    """Migrate, load the catalog and create the sending department."""
    env = child_env(url)
    manage = [sys.executable, "-m", "credit.manage"]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    subprocess.run([*manage, "load_catalog", "-v0"], check=True, env=env, cwd=ROOT)
    subprocess.run(
        [sys.executable, __file__, "--child", "department", "--database-url", url],
        check=True,
        env=env,
    )


# -- yardstick: raw load of the same file ------------------------------------------------


def raw_load(url: str, path: Path) -> tuple[int, float]:
    with open(path, encoding="gb18030", newline="") as fh:
        header = next(csv.reader(fh))
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    if is_pg(url):
        import psycopg

        with psycopg.connect(pg_conninfo(url)) as conn:
            conn.execute(f"CREATE TABLE raw_copy ({columns})")
            conn.commit()
            started = time.perf_counter()
            with conn.cursor() as cur:
                sql = "COPY raw_copy FROM STDIN WITH (FORMAT csv, HEADER, ENCODING 'GB18030')"
                with cur.copy(sql) as copy, open(path, "rb") as fh:
                    while chunk := fh.read(COPY_CHUNK):
                        copy.write(chunk)
            conn.commit()
            elapsed = time.perf_counter() - started
            rows = conn.execute("SELECT COUNT(*) FROM raw_copy").fetchone()[0]
            conn.execute("DROP TABLE raw_copy")
            conn.commit()
        return rows, elapsed
    import sqlite3

    db = sqlite3.connect(urlsplit(url).path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"CREATE TABLE raw_copy ({columns})")
    marks = ", ".join("?" * len(header))
    started = time.perf_counter()
    with open(path, encoding="gb18030", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        with db:
            db.executemany(f"INSERT INTO raw_copy VALUES ({marks})", reader)
    elapsed = time.perf_counter() - started
    rows = db.execute("SELECT COUNT(*) FROM raw_copy").fetchone()[0]
    db.execute("DROP TABLE raw_copy")
    db.commit()
    db.close()
    return rows, elapsed


# -- the import, in a child process --------------------------------------------------------


def run_import(url: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", "import", "--database-url", url, "--file", str(path)],
        check=True,
        env=child_env(url),
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _django():
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log: production behaviour


def child_department() -> None:
    _django()
    from credit.accounts.models import Department

    Department.objects.get_or_create(uscc=DEPARTMENT[1], defaults={"name": DEPARTMENT[0]})


def child_import(path: Path) -> None:
    _django()
    import logging

    # The pipeline logs the wall time of each phase at INFO (the project's handler prints it).
    logging.getLogger("credit.collection.pipeline").setLevel(logging.INFO)
    from credit.accounts.models import Department
    from credit.collection import services
    from credit.core.actors import Actor

    department = Department.objects.get(uscc=DEPARTMENT[1])
    started = time.perf_counter()
    batch = services.submit_file(
        Actor.system(label="benchmark"),
        dataset_code="penalty",
        department=department,
        fileobj=path,
        filename=path.name,
        run_now=True,
    )
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "state": batch.state,
                "message": batch.message,
                "total": batch.total_rows,
                "errors": batch.error_rows,
                "new": batch.new_rows,
                "updated": batch.updated_rows,
                "unchanged": batch.unchanged_rows,
                "late": batch.late_rows,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("CREDIT_DATABASE_URL", ""))
    parser.add_argument("--no-reimport", action="store_true")
    parser.add_argument("--child", choices=["department", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "department":
        return child_department()
    if args.child == "import":
        return child_import(Path(args.file))

    url = bench_url(args.database_url or "sqlite://")
    engine = "PostgreSQL" if is_pg(url) else "SQLite"
    path = generate(args.rows, args.subjects)
    size_mb = path.stat().st_size / 1e6
    print(f"{engine}: {args.rows:,} rows, {args.subjects:,} subjects, {size_mb:.0f} MB GB18030")
    fresh_database(url)
    prepare(url)

    rows, raw_s = raw_load(url, path)
    raw_rate = rows / raw_s
    print(f"raw load     {rows:>10,} rows  {raw_s:7.1f} s  {raw_rate:>9,.0f} rows/s")

    first = run_import(url, path)
    rate = first["total"] / first["seconds"]
    print(
        f"import       {first['total']:>10,} rows  {first['seconds']:7.1f} s  {rate:>9,.0f} rows/s"
        f"  peak RSS {first['maxrss_mb']:.0f} MB"
    )
    print(
        f"  state={first['state']} new={first['new']} updated={first['updated']} "
        f"unchanged={first['unchanged']} errors={first['errors']} late={first['late']}"
        f"  ({first['message']})"
    )
    print(f"ratio import/raw = {rate / raw_rate:.2f}  (target >= 0.50)")
    if not args.no_reimport:
        again = run_import(url, path)
        again_rate = again["total"] / again["seconds"]
        print(
            f"re-import    {again['total']:>10,} rows  {again['seconds']:7.1f} s  "
            f"{again_rate:>9,.0f} rows/s  peak RSS {again['maxrss_mb']:.0f} MB"
        )
        print(
            f"  state={again['state']} new={again['new']} updated={again['updated']} "
            f"unchanged={again['unchanged']} errors={again['errors']}"
        )
        print(f"ratio re-import/raw = {again_rate / raw_rate:.2f}")


if __name__ == "__main__":
    main()
