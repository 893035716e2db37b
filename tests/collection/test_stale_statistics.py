"""Imports under stale statistics: no plan rescans the staging table once per row.

The staging table holds one batch at a time, so whatever statistics it has describe another
batch (autovacuum may be late or off). Before the fix the planner estimated one row for the
new batch and chose nested loops that rescan the staging side per row: 3,000 rows spent
150 s in the duplicate check. These tests stage a large, very different batch, analyse the
table while it holds those rows, remove them, then import real files and look at the plan
of every statement the pipeline runs on the staging table, captured as it runs (Django's
execute wrapper: EXPLAIN of the same SQL with the same parameters, just before it).
Plan shape is asserted, never timing.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection

from credit.collection.models import BatchState

from .samples import penalty_row, person_penalty_row, write_csv

pytestmark = pytest.mark.django_db

STAGING = "collection_stagedrow"
OTHER_BATCH_ROWS = 20_000


def _make_statistics_stale() -> None:
    """Analyse staging while it holds another batch's rows, then remove them unanalysed."""
    pg = connection.vendor == "postgresql"
    numbers = (
        "generate_series(1, %s) g"
        if pg
        else "(WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < %s) "
        "SELECT g FROM n)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {STAGING} (batch_id, row_no, subject_kind, subject_name, name_norm, uscc,
                org_code, id_digest, id_cipher, legal_rep, region_code, new_public_id,
                authority_uscc, authority_name, doc_number, doc_key, decision_date, severity,
                data, content_hash, workdays, is_late, public_from, public_until, visibility)
            SELECT 0, g, 'organization', 'x' || g, 'x' || g, 'U' || g, '', NULL, '', '',
                '210502', 'p' || g, '12210500000000000X', '别的机关', 'd' || g, 'd' || g,
                '2020-01-01', '一般', '{{}}', 'h' || g, 1, FALSE, NULL, NULL, 'not_published'
            FROM {numbers}
            """,
            [OTHER_BATCH_ROWS],
        )
        cursor.execute(f"ANALYZE {STAGING}")
        cursor.execute(f"DELETE FROM {STAGING} WHERE batch_id = 0")


class _Plans:
    """Execute wrapper: the plan of every statement on the staging table, as it runs."""

    def __init__(self):
        self.seen: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        query = sql
        if query.lstrip().upper().startswith("DECLARE"):  # a server cursor: its query's plan
            query = query.split(" CURSOR FOR ", 1)[1]
        verb = query.lstrip().split(None, 1)[0].upper()
        if STAGING in query and not many and verb in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            raw = context["cursor"].cursor
            if connection.vendor == "postgresql":
                raw.execute("EXPLAIN (FORMAT JSON) " + query, params)
                plan = raw.fetchone()[0][0]["Plan"]
            else:
                raw.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = raw.fetchall()
            self.seen.append((" ".join(sql.split()), plan))
        return execute(sql, params, many, context)


def _nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _scans_staging(node) -> bool:
    return any(n.get("Relation Name") == STAGING for n in _nodes(node))


# A column of another relation in an index condition: the lookup is driven by the outer row.
_OUTER_COLUMN = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def _is_keyed_lookup(node) -> bool:
    """An index probe by the outer row's key (cost per outer row independent of sizes)."""
    while node["Node Type"] == "Memoize":
        node = node["Plans"][0]
    if node["Node Type"] == "Bitmap Heap Scan":
        node = node["Plans"][0]
    cond = node.get("Index Cond", "")
    return node["Node Type"].startswith(("Index", "Bitmap Index")) and bool(
        _OUTER_COLUMN.search(cond)
    )


def _pg_problems(plan) -> list[str]:
    problems = []
    for node in _nodes(plan):
        for child in node.get("Plans", []):
            rescanned = child.get("Parent Relationship") == "SubPlan" or (
                node["Node Type"] == "Nested Loop" and child.get("Parent Relationship") == "Inner"
            )
            if rescanned and _scans_staging(child):
                problems.append(f"staging rescanned under {node['Node Type']}")
        if node["Node Type"] == "Nested Loop" and _scans_staging(node["Plans"][0]):
            inner = node["Plans"][1]
            if not _is_keyed_lookup(inner):
                problems.append(
                    f"per staged row: {inner['Node Type']} {inner.get('Relation Name')}"
                )
    return problems


_STAGING_LOOP = re.compile(rf"^(SCAN|SEARCH) (s|{STAGING})\b")


def _sqlite_problems(plan) -> list[str]:
    """SQLite only loops: staging must be the outer loop, with lookups inside it."""
    problems = []
    details = {row[0]: row[3] for row in plan}
    for _id, parent, _, detail in plan:
        if not _STAGING_LOOP.match(detail):
            continue
        if details.get(parent, "").startswith("CORRELATED"):
            problems.append(f"staging rescanned per row: {detail}")
        loops = [r[3] for r in plan if r[1] == parent and r[3].startswith(("SCAN", "SEARCH"))]
        if loops[0] != detail:
            problems.append(f"staging inside the loop of {loops[0]}")
        after = loops[loops.index(detail) + 1 :]
        problems.extend(f"full scan per staged row: {d}" for d in after if d.startswith("SCAN"))
    return problems


def _import_under_stale_statistics(run_file, dept, path, plans: _Plans):
    _make_statistics_stale()
    with connection.execute_wrapper(plans):
        batch = run_file(dept, path, policy="reject_failed_rows")
    assert batch.state == BatchState.DONE, batch.message
    return batch


def _rows(count: int, changed: bool = False) -> list[dict]:
    fact = {"违法事实": "销售不合格产品（更正）"} if changed else {}
    # A person first: the CSV's header is the first row's keys.
    rows = [person_penalty_row(n, **fact) for n in range(count + 1, count + 21)]
    rows += [penalty_row(n, **fact) for n in range(1, count + 1)]
    # Sole traders without any code: linked by the record they update, else a new subject.
    rows += [
        penalty_row(
            n,
            **fact,
            **{"行政相对人类别": "个体工商户", "行政相对人代码_1（统一社会信用代码）": ""},
        )
        for n in range(count + 21, count + 31)
    ]
    return rows


def _other_department_records(sthj, run_file, tmp_path) -> None:
    """Records of another department, then ANALYZE of everything (as a DBA or a late
    autovacuum would): the joined tables' statistics describe rows other than the batch's."""
    source = {"数据来源单位": "本溪市生态环境局", "数据来源单位统一社会信用代码": sthj.uscc}
    rows = [penalty_row(n, **source) for n in range(5001, 5401)]
    assert run_file(sthj, write_csv(tmp_path / "sthj.csv", rows)).state == BatchState.DONE
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_no_plan_rescans_staging_under_stale_statistics(scjg, sthj, run_file, tmp_path):
    _other_department_records(sthj, run_file, tmp_path)
    plans = _Plans()
    rows = _rows(300)
    first = _import_under_stale_statistics(
        run_file, scjg, write_csv(tmp_path / "a.csv", rows), plans
    )
    assert first.new_rows == len(rows)
    # Again with every row changed, a repeated key and a row with an error: the update path
    # (history, change log, publication history, UPDATE) and dropping bad rows run too.
    again = _rows(300, changed=True)
    again.append(dict(again[25]))
    again.append(penalty_row(9999, **{"处罚决定日期": "不是日期"}))
    second = _import_under_stale_statistics(
        run_file, scjg, write_csv(tmp_path / "b.csv", again), plans
    )
    assert (second.new_rows, second.updated_rows, second.error_rows) == (0, len(rows), 2)

    statements = [sql for sql, _ in plans.seen]
    for needle in (
        "first_row",  # the duplicate-key check
        "INSERT INTO subjects_subject",
        "INSERT INTO records_recordhistory",
        "r.data, s.data",  # the change log reads the old and new values
        "UPDATE records_record",
        "INSERT INTO records_record ",
    ):
        assert any(needle in sql for sql in statements), needle
    if connection.vendor == "postgresql":
        check = _pg_problems
        assert all(_scans_staging(plan) for _, plan in plans.seen)
    else:
        check = _sqlite_problems
        assert all(any(_STAGING_LOOP.match(r[3]) for r in plan) for _, plan in plans.seen)
    found = {sql[:120]: check(plan) for sql, plan in plans.seen}
    assert not {sql: p for sql, p in found.items() if p}
    if connection.vendor == "postgresql":
        # The planner knows the batch's size: staging scans are no longer estimated at 1 row.
        estimates = [
            n["Plan Rows"]
            for _, plan in plans.seen
            for n in _nodes(plan)
            if n.get("Relation Name") == STAGING
        ]
        assert max(estimates) >= len(rows) / 2


# Outside a test transaction, as the worker runs (the other transactional tests restore
# the database the same way: serialized_rollback).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staging_gives_its_space_back_without_vacuum(scjg, run_file, tmp_path):
    """Autovacuum is off on these servers: deleted staging rows would stay in the file, and
    every later batch would scan them. Once the table is empty, its file is emptied."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite reuses the pages of deleted rows itself")
    with connection.cursor() as cursor:
        # Rows other tests' COPY committed while their own deletes were rolled back.
        cursor.execute(f"DELETE FROM {STAGING}")
    batch = run_file(scjg, write_csv(tmp_path / "a.csv", _rows(200)))
    assert batch.state == BatchState.DONE, batch.message
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_relation_size('{STAGING}'), COUNT(*) FROM {STAGING}")
        assert cursor.fetchone() == (0, 0)
