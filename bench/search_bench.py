"""Name-search benchmark: `search_subjects()` against the bare SQL it issues, side by side.

Usage:
    uv run python bench/search_bench.py --engine postgresql --subjects 1000000 --records 3000000
    uv run python bench/search_bench.py --engine sqlite --subjects 1000000 --records 3000000
    (add --reuse to skip the load and query an existing credit_bench_portal / portal.sqlite3)

The data is generated straight into the database with COPY / executemany (bench/portal_data.py),
not through the import path. Queries are substrings of names drawn from the registry:
6 and 3 characters (trigram index paths) and 2 characters (the plain-LIKE path), plus exact
USCCs. Each query runs first as the bare SQL of `build_sql()` on a raw cursor, then as the
whole `search_subjects()` (which adds fetching the page's subjects and counting their
public records through `records.queries.public_records`).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import portal_data  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def sample_queries(n: int, length: int, rng: random.Random) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM subjects_subject")
        low, high = cursor.fetchone()
        ids = [rng.randint(low, high) for _ in range(n * 2)]
        id_list = ",".join(map(str, ids))
        cursor.execute(f"SELECT name_norm, uscc FROM subjects_subject WHERE id IN ({id_list})")
        rows = cursor.fetchall()
    rng.shuffle(rows)
    if length == 18:
        return [uscc for _name, uscc in rows[:n]]
    queries = []
    for name, _uscc in rows:
        if len(name) >= length:
            start = rng.randrange(len(name) - length + 1)
            queries.append(name[start : start + length])
        if len(queries) == n:
            break
    return queries


def run(queries: list[str]) -> dict:
    from django.db import connection

    from credit.portal.present import count_public
    from credit.subjects import search

    bare, full, hits = [], [], []
    for q in queries:
        query = search.clean_query(q)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if search.as_uscc(q):
                cursor.execute(
                    "SELECT id FROM subjects_subject WHERE uscc = %s", [search.as_uscc(q)]
                )
            else:
                search._prepare(cursor)
                sql, params = search.build_sql(query)
                cursor.execute(sql, params)
            cursor.fetchall()
        bare.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        result = search.search_subjects(q, 1, count_records=count_public)
        full.append((time.perf_counter() - started) * 1000)
        hits.append(result.total)
    return {
        "n": len(queries),
        "bare_p50": statistics.median(bare),
        "bare_p95": pct(bare, 95),
        "full_p50": statistics.median(full),
        "full_p95": pct(full, 95),
        "ratio_p95": pct(full, 95) / max(pct(bare, 95), 1e-9),
        "median_hits": statistics.median(hits),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=3_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    if not args.reuse:
        portal_data.recreate_database(args.engine)
        portal_data.migrate(args.engine)
    portal_data.setup_django(args.engine)
    if not args.reuse:
        timings = portal_data.load(args.engine, args.subjects, args.records)
        print(
            f"loaded {args.subjects:,} subjects in {timings['subjects']:.0f} s, "
            f"{args.records:,} records in {timings['records']:.0f} s (direct COPY/executemany)"
        )
        if "indexes" in timings:
            print(f"SQLite indexes, insert trigger and FTS rebuilt in {timings['indexes']:.0f} s")
        if args.engine == "postgresql":
            from django.db import connection

            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute("REINDEX INDEX subject_name_trgm")
                print(f"GiST trigram index rebuilt in {time.perf_counter() - started:.0f} s")

    rng = random.Random(7)
    print(f"engine={args.engine} queries per kind={args.queries}")
    print(
        f"{'query':<22}{'bare p50':>10}{'bare p95':>10}{'search p50':>12}{'search p95':>12}"
        f"{'p95 ratio':>11}{'median hits':>13}"
    )
    # Warm the caches once (first query on a cold connection pays for catalog reads).
    run(sample_queries(5, 6, rng))
    for label, length in (
        ("6-char substring", 6),
        ("3-char substring", 3),
        ("2-char (LIKE path)", 2),
        ("exact USCC", 18),
    ):
        r = run(sample_queries(args.queries, length, rng))
        print(
            f"{label:<22}{r['bare_p50']:>9.1f} {r['bare_p95']:>9.1f} {r['full_p50']:>11.1f} "
            f"{r['full_p95']:>11.1f} {r['ratio_p95']:>10.2f} {r['median_hits']:>12.0f}"
        )
    print("times in ms")


if __name__ == "__main__":
    main()
