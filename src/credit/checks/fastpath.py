"""The lean path of the hottest call: one subject checked by USCC on PostgreSQL.

The general path (`resolve`, `current_entries`, `shared_negative_records`) builds
three ORM queries; each costs more in Django's SQL compiler and in PostgreSQL planning
than in execution. Here the subject, its entries in force and its shareable negative
records come back from one statement, bound on the server so psycopg prepares it once per
connection (OPTIONS `prepare_threshold`) and PostgreSQL stops re-planning it. The
statement is compiled once per process (`core.sqlcompile`) from the credit-facts kernel's
querysets for credit checks — the same rule the general path starts from — so no
condition is written here; tests/facts/test_equivalence.py and
tests/checks/test_checks_fastpath.py compare the two paths' answers.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import orjson
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db import connection
from django.db.models import Aggregate, Func, JSONField, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce, NullIf

from credit import facts
from credit.checks.answer import entry_out, record_out
from credit.checks.resolve import uscc_resolution
from credit.core import sqlcompile
from credit.core.identifiers import IdentifierError, validate_uscc
from credit.core.pgcursor import server_cursor
from credit.measures.queries import check_records
from credit.subjects.models import Subject

_CODE = sqlcompile.marker("check-uscc")


class _JSONArray(Func):
    # json, not jsonb: nothing is queried inside the array, and psycopg parses json itself.
    function = "JSON_BUILD_ARRAY"
    output_field = JSONField()


class _JSONAgg(OrderableAggMixin, Aggregate):
    function = "JSON_AGG"
    template = "%(function)s(%(expressions)s %(order_by)s)"
    output_field = JSONField()


def _rows_of_subject(queryset, order_by: tuple[str, ...], *columns):
    """One json array of `columns` per row of `queryset` about the outer subject, in order."""
    return Subquery(
        queryset.filter(subject_id=OuterRef("pk"))
        .order_by()
        .values("subject_id")
        .annotate(rows=_JSONAgg(_JSONArray(*columns), order_by=order_by))
        .values("rows")
    )


def _text_or(column: str, fallback: str):
    return Coalesce(NullIf(column, Value("")), fallback, output_field=TextField())


@cache
def _statement() -> sqlcompile.Statement:
    day = sqlcompile.DAY
    entries = _rows_of_subject(
        facts.readable(facts.LIST_ENTRY, facts.Audience.CHECK, day),
        ("list_type__position", "-decision_date", "id"),
        "list_type_id",
        "list_type__code",
        "list_type__name",
        "list_type__color",
        _text_or("authority_name", "list_type__authority_label"),
        "decision_number",
        "decision_date",
        "period_start",
        "period_end",
        _text_or("basis", "list_type__legal_basis"),
    )
    records = _rows_of_subject(
        check_records(day),
        ("-decision_date", "-id"),
        "dataset__code",
        "dataset__name",
        "doc_number",
        "decision_date",
        "authority_name",
        "severity",
        "data",
        "dataset_version_id",
        "dataset_version__definition_hash",
    )
    subject = Subject.objects.filter(uscc=_CODE).values_list(*_SUBJECT_COLUMNS, entries, records)
    return sqlcompile.compile_statement(subject, today=day, code=_CODE)


def lookup_uscc(cursor, code: str, today: dt.date) -> tuple[dict, list, list] | None:
    """(subject row, its entries in force, its shareable negative records) as raw rows of
    the statement, for a valid USCC; None when no subject has it."""
    statement = _statement()
    cursor.execute(statement.sql, statement.bind(today=today, code=code))
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
    if found is None:
        return [uscc_resolution(query, code, None)], {}, {}
    row, entry_rows, record_rows = found
    subject_id = row["id"]
    entries = {subject_id: [entry_out(*e) for e in entry_rows]} if entry_rows else {}
    records = {subject_id: [record_out(*r) for r in record_rows]} if record_rows else {}
    return [uscc_resolution(query, code, row)], entries, records


@cache
def _store_sql(hit: bool, asynchronous: bool) -> str:
    """The statement for a check with or without a hit, committed asynchronously or not.
    A clean check's statement leaves out the hit's two inserts and the commit setting:
    even an insert that writes nothing is planned and started on every call."""
    from credit.audit.models import AccessLog
    from credit.checks.models import CheckSubject, CreditCheck, Feedback

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
