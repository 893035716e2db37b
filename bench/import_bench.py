"""Import benchmark: the real penalty import against the storage floor and a raw COPY.

Usage:
    uv run python bench/import_bench.py --rows 1000000 [--database-url URL]

URL defaults to $CREDIT_DATABASE_URL. For PostgreSQL the database `<name>_bench` next to
the one named (`credit_bench` for `.../credit`) is dropped and recreated; for SQLite a fresh
file under bench/out/ is used. The generated CSV is cached under bench/out/. Every figure
comes from the same run: the import, then the two yardsticks, then a re-import:

- the storage floor (PostgreSQL): the very rows the import stored, read back from
  records_record and COPYed (binary) into a table `LIKE records_record INCLUDING ALL` plus
  its foreign keys — same columns, indexes, defaults, storage and compression — with the
  commit. What no pipeline keeping the portal's indexes can beat;
- the raw load: the CSV COPYed into an unindexed table of text columns (the original
  yardstick of issue 2).

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
    """The benchmark's own database next to the one given (never the given one itself):
    `<name>_bench`, so that engineers sharing a server each wipe only their own."""
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        name = parts.path.strip("/") or "credit"
        return urlunsplit(parts._replace(path=f"/{name}_bench"))
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

        name = urlsplit(url).path.strip("/")
        with psycopg.connect(pg_conninfo(url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
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


# -- the storage floor: the stored rows COPYed into a twin of the records table ----------

FLOOR_TABLE = "floor_record"


def storage_floor(url: str, batch_id: int) -> tuple[int, float]:
    """COPY the records a batch created, exactly as stored, into an empty twin of
    records_record (columns, indexes, defaults, storage, compression, foreign keys) and
    commit: the least any import of these rows into that table can cost."""
    import psycopg
    from psycopg import sql

    dump = OUT / "floor_rows.bin"
    with psycopg.connect(pg_conninfo(url)) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        conn.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE records_record INCLUDING ALL)")
        # LIKE copies neither foreign keys nor storage parameters; the import pays for both.
        for (definition,) in conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'records_record'::regclass AND contype = 'f'"
        ).fetchall():
            conn.execute(f"ALTER TABLE {FLOOR_TABLE} ADD {definition}")
        options = conn.execute(
            "SELECT reloptions FROM pg_class WHERE oid = 'records_record'::regclass"
        ).fetchone()[0]
        if options:
            conn.execute(f"ALTER TABLE {FLOOR_TABLE} SET ({', '.join(options)})")
        conn.commit()
        # Read back outside the timing, to a file: a million stored rows are ~2.5 GB.
        select = (
            "COPY (SELECT * FROM records_record WHERE created_batch_id = {} ORDER BY id) "
            "TO STDOUT (FORMAT binary)"
        )
        cur = conn.cursor()
        with cur.copy(sql.SQL(select).format(batch_id)) as copy, open(dump, "wb") as fh:
            for chunk in copy:
                fh.write(chunk)
        conn.commit()
        started = time.perf_counter()
        sql_in = f"COPY {FLOOR_TABLE} FROM STDIN (FORMAT binary)"
        with cur.copy(sql_in) as copy, open(dump, "rb") as fh:
            while chunk := fh.read(COPY_CHUNK):
                copy.write(chunk)
        conn.commit()
        elapsed = time.perf_counter() - started
        rows = conn.execute(f"SELECT COUNT(*) FROM {FLOOR_TABLE}").fetchone()[0]
        conn.execute(f"DROP TABLE {FLOOR_TABLE}")
        conn.commit()
    dump.unlink(missing_ok=True)
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

    phases: list[str] = []

    class Phases(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.msg.startswith("batch %s:"):
                phases.append(record.args[1])

    logging.getLogger("credit.collection.pipeline").addHandler(Phases())
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
                "batch_id": batch.id,
                "phases": phases[-1] if phases else "",
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

    first = run_import(url, path)
    rate = first["total"] / first["seconds"]
    print(
        f"import       {first['total']:>10,} rows  {first['seconds']:7.1f} s  {rate:>9,.0f} rows/s"
        f"  {per_row(first['seconds'], first['total'])}  peak RSS {first['maxrss_mb']:.0f} MB"
    )
    print(
        f"  state={first['state']} new={first['new']} updated={first['updated']} "
        f"unchanged={first['unchanged']} errors={first['errors']} late={first['late']}"
        f"  ({first['message']})"
    )
    print(f"  phases: {phase_costs(first['phases'], first['total'], first['seconds'])}")

    floor_rate = None
    if is_pg(url):
        stored, floor_s = storage_floor(url, first["batch_id"])
        floor_rate = stored / floor_s
        print(
            f"floor COPY   {stored:>10,} rows  {floor_s:7.1f} s  {floor_rate:>9,.0f} rows/s"
            f"  {per_row(floor_s, stored)}  (stored rows into LIKE records_record INCLUDING ALL)"
        )
    rows, raw_s = raw_load(url, path)
    raw_rate = rows / raw_s
    print(
        f"raw COPY     {rows:>10,} rows  {raw_s:7.1f} s  {raw_rate:>9,.0f} rows/s"
        f"  {per_row(raw_s, rows)}  (the CSV into an unindexed text table)"
    )
    if floor_rate:
        print(f"ratio import/floor = {rate / floor_rate:.2f}  (target >= 0.50)")
        extra = (first["seconds"] - floor_s) / first["total"] * 1e6
        print(f"  the import spends {extra:.0f} us/row beyond the floor")
    print(f"ratio import/raw   = {rate / raw_rate:.2f}")
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
        print(f"  phases: {phase_costs(again['phases'], again['total'], again['seconds'])}")
        print(f"ratio re-import/raw = {again_rate / raw_rate:.2f}")


def per_row(seconds: float, rows: int) -> str:
    return f"{seconds / max(rows, 1) * 1e6:6.1f} us/row"


def phase_costs(phases: str, rows: int, total: float) -> str:
    """The pipeline's phase log ("read+validate+stage 3.1s, ...") with us/row added, and
    the time outside the phases (storing the encrypted file, batch rows, change log)."""
    out = []
    spent = 0.0
    for part in filter(None, phases.split(", ")):
        name, _, seconds = part.rpartition(" ")
        value = float(seconds.rstrip("s"))
        spent += value
        out.append(f"{name} {value:.1f} s ({value / max(rows, 1) * 1e6:.0f} us/row)")
    if not out:
        return "(not logged)"
    rest = total - spent
    out.append(f"outside the phases {rest:.1f} s ({rest / max(rows, 1) * 1e6:.0f} us/row)")
    return ", ".join(out)


if __name__ == "__main__":
    main()
