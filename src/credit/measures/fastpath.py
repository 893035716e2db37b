"""The lean path of the hottest call: one subject checked by USCC on PostgreSQL.

The general path (`checks.resolve`, `current_entries`, `shared_negative_records`) builds
three ORM queries; each costs more in Django's SQL compiler and in PostgreSQL planning
than in execution. Here the subject, its entries in force and its shareable negative
records come back from one hand-written statement, bound on the server so psycopg
prepares it once per connection (OPTIONS `prepare_threshold`) and PostgreSQL stops
re-planning it. The conditions are those of `lists.queries.in_force` and
`checks.shared_negative_records`; tests/measures/test_checks_fastpath.py compares the two
paths' answers.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import orjson
from django.db import connection

from credit.catalog.models import Category, ShareAttr
from credit.core.identifiers import IdentifierError, validate_uscc
from credit.core.pgcursor import server_cursor
from credit.lists.models import IN_FORCE_STATES, ListEntry, ListType
from credit.records.models import Record, Visibility
from credit.subjects.models import Subject


@cache
def _lookup_sql() -> str:
    subject, entry, list_type = (
        Subject._meta.db_table,
        ListEntry._meta.db_table,
        ListType._meta.db_table,
    )
    record = Record._meta.db_table
    version = Record._meta.get_field("dataset_version").related_model._meta.db_table
    dataset = Record._meta.get_field("dataset").related_model._meta.db_table
    states = _literals(*IN_FORCE_STATES)
    bad = _literals(Category.BAD)
    shared = _literals(ShareAttr.UNCONDITIONAL, ShareAttr.CONDITIONAL)
    hidden = _literals(Visibility.WITHDRAWN, Visibility.ENDED)
    return f"""
SELECT s.id, s.public_id, s.kind, s.name, s.uscc, s.region_code,
  (SELECT json_agg(json_build_array(
        t.id, t.code, t.name, t.color, COALESCE(NULLIF(e.authority_name, ''), t.authority_label),
        e.decision_number, e.decision_date, e.period_start, e.period_end,
        COALESCE(NULLIF(e.basis, ''), t.legal_basis))
      ORDER BY t.position, e.decision_date DESC, e.id)
   FROM {entry} e JOIN {list_type} t ON t.id = e.list_type_id
   WHERE e.subject_id = s.id AND e.state IN ({states}) AND e.period_start <= %(today)s::date
     AND (e.period_end IS NULL OR e.period_end >= %(today)s::date)),
  (SELECT json_agg(json_build_array(
        d.code, d.name, r.doc_number, r.decision_date, r.authority_name, r.severity, r.data)
      ORDER BY r.decision_date DESC, r.id DESC)
   FROM {record} r JOIN {version} v ON v.id = r.dataset_version_id
   JOIN {dataset} d ON d.id = r.dataset_id
   WHERE r.subject_id = s.id AND r.withdrawn_at IS NULL AND v.category = {bad}
     AND v.share_attr IN ({shared}) AND r.visibility NOT IN ({hidden}))
FROM {subject} s WHERE s.uscc = %(code)s::text
"""


def _literals(*values) -> str:
    """Fixed enum values written into the statement (never user input): fewer parameters
    to dump per call, and the planner sees the constants."""
    for value in values:
        assert str(value).replace("_", "").isalnum(), value
    return ", ".join(f"'{value}'" for value in values)


def lookup_uscc(cursor, code: str, today: dt.date) -> tuple[dict, list, list] | None:
    """(subject row, its entries in force, its shareable negative records) as raw rows of
    the statement, for a valid USCC; None when no subject has it."""
    cursor.execute(_lookup_sql(), {"today": today, "code": code})
    found = cursor.fetchone()
    if found is None:
        return None
    return dict(zip(_SUBJECT_COLUMNS, found[:6], strict=True)), found[6] or [], found[7] or []


_SUBJECT_COLUMNS = ("id", "public_id", "kind", "name", "uscc", "region_code")


def lookup_single(queries: list, today: dt.date) -> tuple[list[dict], dict, dict] | None:
    """(resolutions, entries, records) as the general path gives them, for one subject
    asked for by a valid USCC on PostgreSQL; None for every other request."""
    if len(queries) != 1 or not queries[0].uscc or connection.vendor != "postgresql":
        return None
    try:
        code = validate_uscc(queries[0].uscc)
    except IdentifierError:
        return None  # the general path words the error
    with server_cursor() as cursor:
        found = lookup_uscc(cursor, code, today)
    return resolved(queries[0], code, found)


def resolved(query, code: str, found) -> tuple[list[dict], dict, dict]:
    """`lookup_uscc`'s result as the general path's (resolutions, entries, records)."""
    from credit.measures import checks

    if found is None:
        return [checks.uscc_resolution(query, code, None)], {}, {}
    row, entry_rows, record_rows = found
    subject_id = row["id"]
    entries = {subject_id: [checks.entry_out(*e) for e in entry_rows]} if entry_rows else {}
    records = {subject_id: [checks.record_out(*r) for r in record_rows]} if record_rows else {}
    return [checks.uscc_resolution(query, code, row)], entries, records


@cache
def _store_sql(hit: bool, asynchronous: bool) -> str:
    """The statement for a check with or without a hit, committed asynchronously or not.
    A clean check's statement leaves out the hit's two inserts and the commit setting:
    even an insert that writes nothing is planned and started on every call."""
    from credit.audit.models import AccessLog
    from credit.measures.check_models import CheckSubject, CreditCheck, Feedback

    # set_config(..., true) lasts until the end of the statement's own transaction, so it
    # governs this statement's commit only (see CREDIT_CHECK_ASYNC_COMMIT).
    commit_mode = (
        "commit_mode AS (SELECT set_config('synchronous_commit', 'off', true)), "
        if asynchronous
        else ""
    )
    hit_rows = (
        f"""
), s AS (
    INSERT INTO {CheckSubject._meta.db_table} (check_run_id, position, subject_id,
        subject_label, verdicts, black_count, red_count, record_count)
    SELECT c.id, %s::integer, %s::bigint, %s::text, %s::jsonb, %s::integer, %s::integer,
        %s::integer
    FROM c
    RETURNING id, check_run_id
), f AS (
    INSERT INTO {Feedback._meta.db_table} (check_run_id, check_subject_id, department_id,
        measure_id, measure_code, due_date, reason, result, given_by)
    SELECT s.check_run_id, s.id, c.department_id, m.id, m.code, c.feedback_due, '', '', ''
    FROM s CROSS JOIN c CROSS JOIN unnest(%s::bigint[], %s::text[]) WITH ORDINALITY
        AS m(id, code, n)
    ORDER BY m.n"""
        if hit
        else ""
    )
    return f"""
WITH {commit_mode}c AS (
    INSERT INTO {CreditCheck._meta.db_table} (department_id, user_id, client_id, actor_label,
        scenario_id, purpose, created_at, subject_count, matched_count, hit_count,
        measure_count, feedback_due, answer, request_id)
    SELECT %s::bigint, %s::bigint, %s::bigint, %s::text, %s::bigint, %s::text,
        %s::timestamptz, %s::integer, %s::integer, %s::integer, %s::integer, %s::date,
        %s::json, %s::text
    {"FROM commit_mode" if asynchronous else ""}
    RETURNING id, created_at, user_id, client_id, actor_label, request_id, department_id,
        feedback_due{hit_rows}
), a AS (
    INSERT INTO {AccessLog._meta.db_table} (at, actor_user_id, actor_client_id, actor_label,
        subject_id, subject_label, resource, purpose, request_id, client_request_id)
    SELECT c.created_at, c.user_id, c.client_id, c.actor_label, %s::bigint, %s::text,
        %s::text, %s::text || c.id, c.request_id, %s::text
    FROM c
)
SELECT id FROM c
"""


def store_single(
    cursor,
    check: tuple,
    answer: dict,
    row: dict | None,
    hit: tuple | None,
    *,
    access_resource: str,
    access_purpose: str,
    access_label: str | None = None,
    asynchronous: bool = False,
) -> int:
    """Store a check of one subject in one statement, its own transaction: the check;
    with a `hit` its subject row and one feedback row per applicable measure; its
    access-log row, naming the subject read or, when none was matched, `access_label`
    (what was asked for). One round trip against six or more for the general path.
    Returns the check id.

    `check`: (department id, user id, client id, actor label, scenario id, purpose, time,
    subject count, matched count, hit count, measure count, feedback due date, request
    id). `hit`: (position, verdicts, applicable measures, black, red and record counts).
    `asynchronous` (CREDIT_CHECK_ASYNC_COMMIT) must be False inside a caller's
    transaction, where the setting would outlive this statement."""
    *head, purpose, created_at, subjects, matched, hits, measure_count, due, request_id = check
    subject_id = row["id"] if row else None
    subject_label = row["name"][:200] if row else (access_label or "")[:200]
    params = [
        *head,  # department, user, client, actor label, scenario
        purpose[:200],
        created_at,
        subjects,
        matched,
        hits,
        measure_count,
        due,
        orjson.dumps(answer).decode(),
        request_id,
    ]
    if hit is not None:
        position, verdicts, measures, black, red, records = hit
        params += [
            position,
            subject_id,
            subject_label,
            orjson.dumps(verdicts).decode(),
            black,
            red,
            records,
            [m.pk for m in measures],
            [m.code for m in measures],
        ]
    from credit.audit.context import client_request_id

    params += [subject_id, subject_label, access_resource, access_purpose, client_request_id.get()]
    cursor.execute(_store_sql(hit is not None, asynchronous), params)
    return cursor.fetchone()[0]
