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
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections

from credit.catalog.models import Category, ShareAttr
from credit.core.identifiers import IdentifierError, validate_uscc
from credit.lists.models import IN_FORCE_STATES, ListEntry, ListType
from credit.records.models import Record, Visibility
from credit.subjects.models import Subject


@contextmanager
def server_cursor() -> Iterator:
    """A Django cursor (query logging and error wrapping kept) that binds on the server.

    Django's psycopg backend binds on the client unless `server_side_binding` is set for
    the whole project, and a client-bound query can never be prepared.
    """
    from django.db.backends.postgresql.base import ServerBindingCursor

    db = connections[DEFAULT_DB_ALIAS]  # one thread-local lookup, not one per attribute
    db.ensure_connection()
    with db.wrap_database_errors:
        cursor = db._prepare_cursor(ServerBindingCursor(db.connection))
    try:
        yield cursor
    finally:
        cursor.close()


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


def lookup_single(queries: list, today: dt.date) -> tuple[list[dict], dict, dict] | None:
    """(resolutions, entries, records) as the general path gives them, for one subject
    asked for by a valid USCC on PostgreSQL; None for every other request."""
    if len(queries) != 1 or not queries[0].uscc or connection.vendor != "postgresql":
        return None
    try:
        code = validate_uscc(queries[0].uscc)
    except IdentifierError:
        return None  # the general path words the error
    from credit.measures import checks

    params = {"today": today, "code": code}
    with server_cursor() as cursor:
        cursor.execute(_lookup_sql(), params)
        found = cursor.fetchone()
    if found is None:
        return [checks.uscc_resolution(queries[0], code, None)], {}, {}
    subject_id, public_id, kind, name, uscc, region_code, entry_rows, record_rows = found
    row = {
        "id": subject_id,
        "public_id": public_id,
        "kind": kind,
        "name": name,
        "uscc": uscc,
        "region_code": region_code,
    }
    entries = {subject_id: [checks.entry_out(*e) for e in entry_rows]} if entry_rows else {}
    records = {subject_id: [checks.record_out(*r) for r in record_rows]} if record_rows else {}
    return [checks.uscc_resolution(queries[0], code, row)], entries, records
