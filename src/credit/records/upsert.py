"""Set-based idempotent upsert of a staged batch into records.

The business key is (dataset, authority USCC, normalised document number). A staged row
whose key is new inserts a record; one whose content hash differs moves the old version
to RecordHistory and updates the record (version + 1); an identical one changes nothing.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import orjson
from django.db import connection

from credit.core.sqlcompile import condition_sql
from credit.core.sqltime import sql_moment
from credit.records import exposure
from credit.records.models import Record, RecordHistory, RecordVisibilityChange
from credit.subjects.linking import SUBJECT_JOINS, subject_of

STAGING = "collection_stagedrow"
RECORD = Record._meta.db_table
HISTORY = RecordHistory._meta.db_table


def _json(expr: str) -> str:
    return f"{expr}::jsonb" if connection.vendor == "postgresql" else expr


# A staged row and the record with its business key (the unique index answers it).
# `(SELECT %s)`: the dataset reaches the planner as a parameter, estimated as an average
# dataset (1 / distinct datasets), never from the MCV list. Statistics gathered before a
# dataset grew (autovacuum late or off) would put it at one row, and the planner would then
# take "every record of the dataset" as the cheap outer side of a nested loop and rescan
# the staged batch for each of them (docs/performance.md, "Import under stale statistics").
# The parameter still drives the unique index, as a constant would.
_SAME_KEY = (
    "r.dataset_id = (SELECT %s) AND r.authority_uscc = s.authority_uscc AND r.doc_key = s.doc_key"
)


def conflicts(batch_id: int, dataset_id: int, department_id: int) -> list[tuple[int, str]]:
    """Rows whose decision was already sent by another department: (row, that record's doc)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            cursor.execute("SET LOCAL work_mem = '128MB'")  # hash join over a whole batch
        cursor.execute(
            f"""
            SELECT s.row_no, s.doc_number FROM {STAGING} s JOIN {RECORD} r ON {_SAME_KEY}
            WHERE s.batch_id = %s AND r.department_id <> %s
            ORDER BY s.row_no
            """,
            [dataset_id, batch_id, department_id],
        )
        return cursor.fetchall()


def apply(batch, now: dt.datetime) -> dict[str, int]:
    """Version changed records, insert new ones; returns new/updated/unchanged/late counts.

    Staged rows are matched to records by business key inside each statement (no pass
    that marks staging rows first), so an unchanged re-import only reads. Changed records
    are handled before the insert, so the insert's NOT EXISTS also skips them.
    """
    key = [batch.dataset_id]
    now = sql_moment(now)
    received_at = sql_moment(batch.received_at)
    changed = f"s.batch_id = %s AND {_SAME_KEY} AND r.content_hash <> s.content_hash"
    plain = _plain(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {HISTORY} (record_id, version_no, dataset_version_id, subject_id,
                decision_date, severity, data, content_hash, batch_id, superseded_at,
                superseded_by_batch_id)
            SELECT r.id, r.version_no, r.dataset_version_id, r.subject_id, r.decision_date,
                r.severity, r.data, r.content_hash, r.batch_id, %s, %s
            FROM {STAGING} s JOIN {RECORD} r ON {changed}
            """,
            [now, batch.id, batch.id, *key],
        )
        # The history rows are exactly the changed records: none means no UPDATE to run
        # (an unchanged re-import skips one more join of the batch with records).
        updated = cursor.rowcount
        if updated:
            _log_updates(cursor, batch, now, changed)
            _log_visibility(cursor, batch, now, changed)
            cursor.execute(
                f"""
                UPDATE {RECORD} SET
                    dataset_version_id = %s, subject_id = {subject_of(f"{RECORD}.subject_id")},
                    authority_name = s.authority_name, doc_number = s.doc_number,
                    decision_date = s.decision_date, severity = s.severity,
                    data = {_json("s.data")}, content_hash = s.content_hash,
                    version_no = {RECORD}.version_no + 1, batch_id = %s, batch_row = s.row_no,
                    updated_at = %s,
                    public_from = CASE WHEN {plain} THEN s.public_from ELSE {RECORD}.public_from END,
                    public_until = CASE WHEN {plain} THEN s.public_until
                        ELSE {RECORD}.public_until END,
                    visibility = CASE WHEN {plain} THEN s.visibility ELSE {RECORD}.visibility END
                FROM {STAGING} s {SUBJECT_JOINS}
                WHERE s.batch_id = %s AND {RECORD}.dataset_id = (SELECT %s)
                  AND {RECORD}.authority_uscc = s.authority_uscc AND {RECORD}.doc_key = s.doc_key
                  AND {RECORD}.content_hash <> s.content_hash
                """,
                [batch.dataset_version_id, batch.id, now, batch.id, *key],
            )
            updated = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {RECORD} (dataset_id, dataset_version_id, department_id, subject_id,
                authority_uscc, authority_name, doc_number, doc_key, decision_date, severity,
                data, content_hash, version_no, received_at, workdays_to_receipt, is_late,
                created_batch_id, batch_id, batch_row, created_at, updated_at,
                public_from, public_until, visibility)
            SELECT %s, %s, %s, {subject_of()}, s.authority_uscc, s.authority_name, s.doc_number,
                s.doc_key, s.decision_date, s.severity, {_json("s.data")}, s.content_hash, 1, %s,
                s.workdays, s.is_late, %s, %s, s.row_no, %s, %s,
                s.public_from, s.public_until, s.visibility
            FROM {STAGING} s {SUBJECT_JOINS}
            WHERE s.batch_id = %s
              AND NOT EXISTS (SELECT 1 FROM {RECORD} r WHERE {_SAME_KEY})
            """,
            [
                batch.dataset_id,
                batch.dataset_version_id,
                batch.department_id,
                received_at,
                batch.id,
                batch.id,
                now,
                now,
                batch.id,
                *key,
            ],
        )
        created = cursor.rowcount
        cursor.execute(
            f"SELECT COUNT(*), SUM(CASE WHEN is_late THEN 1 ELSE 0 END) FROM {STAGING} "
            "WHERE batch_id = %s",
            [batch.id],
        )
        total, late = cursor.fetchone()
    if updated:
        _refresh_special(batch)
    return {
        "new": created,
        "updated": updated,
        "unchanged": total - created - updated,
        "late": int(late or 0),
    }


@cache
def _plain(vendor: str, alias: str | None = None) -> str:
    """An updated record takes the staged window unless its window depends on more than
    the row (`exposure.window_from_row`; those few go through publicity), as SQL. Keyed
    by vendor so a test run that switches engines never reuses foreign SQL."""
    return condition_sql(Record, exposure.window_from_row(), alias)


def _log_visibility(cursor, batch, now: dt.datetime, changed: str) -> None:
    """A publication-history row for each updated record whose state the update changes."""
    from credit.records.publicity import BATCH_REASON

    table = RecordVisibilityChange._meta.db_table
    cursor.execute(
        f"""
        INSERT INTO {table} (record_id, from_state, to_state, at, reason, actor_label, job_id)
        SELECT r.id, r.visibility, s.visibility, %s, %s, %s, %s
        FROM {STAGING} s JOIN {RECORD} r ON {changed}
        WHERE {_plain(connection.vendor, "r")} AND r.visibility <> s.visibility
        """,
        [now, BATCH_REASON, "系统", f"batch:{batch.public_id}", batch.id, batch.dataset_id],
    )


def _refresh_special(batch) -> None:
    from credit.records import publicity

    special = Record.objects.filter(batch=batch).exclude(created_batch_id=batch.id)
    special = special.exclude(exposure.window_from_row())
    publicity.refresh_records(
        special,
        job_id=f"batch:{batch.public_id}",
        reason=publicity.BATCH_REASON,
        new_batch_id=batch.id,
    )


RECORD_UPDATED = "record_updated"
# Updated records diffed and logged at a time (bounded memory on a huge re-import).
_LOG_CHUNK = 5000


_LOG_COLUMNS = (
    "at",
    "actor_user_id",
    "actor_client_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
    "client_request_id",
)


def _log_updates(cursor, batch, now, changed: str) -> None:
    """One change-log entry per updated record, with the fields that changed, old and new.

    Computed here rather than in SQL: ID numbers are stored as randomised ciphertext, so
    they are compared decrypted and logged masked (the content hash alone told an auditor
    nothing). Only the updated records are read; an unchanged re-import never gets here.
    Written by COPY (PostgreSQL) or executemany, not the ORM's bulk_create, which cost
    three times the rest of this on 5,000 updates (bench/update_log_bench.py)."""
    from credit.audit import context
    from credit.audit.models import ChangeLog

    secret = set(
        batch.dataset_version.fields.filter(masking="id_number").values_list("code", flat=True)
    )
    fixed = (
        now,
        batch.created_by_id,
        batch.created_by_client_id,
        _actor_label(batch),
        RECORD_UPDATED,
        "record",
    )
    tail = (f"batch:{batch.public_id}", context.client_request_id.get())
    table = ChangeLog._meta.db_table
    insert = f"INSERT INTO {table} ({', '.join(_LOG_COLUMNS)}) VALUES ({', '.join(['%s'] * 11)})"
    copy_sql = f"COPY {table} ({', '.join(_LOG_COLUMNS)}) FROM STDIN"
    with connection.cursor() as out:
        for rows in _changed_rows(cursor, batch, changed):
            entries = []
            for record_id, version, old_batch, old_data, new_data in rows:
                before, after = data_diff(_loads(old_data), _loads(new_data), secret)
                before = {"version": version, "batch": old_batch, **before}
                after = {"version": version + 1, "batch": batch.id, **after}
                entries.append(
                    (
                        *fixed,
                        str(record_id),
                        orjson.dumps(before).decode(),
                        orjson.dumps(after).decode(),
                        *tail,
                    )
                )
            if connection.vendor == "postgresql":
                with out.cursor.copy(copy_sql) as copy:
                    for entry in entries:
                        copy.write_row(entry)
            else:
                out.executemany(insert, entries)


def _changed_rows(cursor, batch, changed: str):
    """The updated records' old and new data, _LOG_CHUNK rows at a time: a re-import
    changing a million records must not hold two million JSON documents at once
    (PostgreSQL's client cursor would fetch the whole result, so a server cursor reads it)."""
    sql = f"""
        SELECT r.id, r.version_no, r.batch_id, r.data, s.data
        FROM {STAGING} s JOIN {RECORD} r ON {changed}
        """
    params = [batch.id, batch.dataset_id]
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(_LOG_CHUNK):
            yield rows
        return
    # The whole result is read: plan for all rows, not the first tenth (a cursor's default
    # fast-start plan is a nested loop over the batch).
    cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
    cursor.execute(f"DECLARE changelog_rows NO SCROLL CURSOR FOR {sql}", params)
    try:
        while True:
            cursor.execute(f"FETCH {_LOG_CHUNK} FROM changelog_rows")
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
    finally:
        cursor.execute("CLOSE changelog_rows")


def _loads(value) -> dict:
    if isinstance(value, dict):
        return value
    return orjson.loads(value) if value else {}


def data_diff(old: dict, new: dict, secret: set[str]) -> tuple[dict, dict]:
    """The changed fields of a record's data, old and new; ID numbers decrypted to compare
    and masked to log. A field a row leaves out is logged as absent (None)."""
    before, after = {}, {}
    for code in old.keys() | new.keys():
        a, b = old.get(code), new.get(code)
        if code in secret:
            a, b = _decrypted(a), _decrypted(b)
            if a == b:
                continue  # the same number under a fresh ciphertext
            a, b = _mask(a), _mask(b)
        elif a == b:
            continue
        before[code], after[code] = a, b
    return dict(sorted(before.items())), dict(sorted(after.items()))


def _decrypted(token) -> str | None:
    from credit.core.fieldcrypto import FieldCryptoError, decrypt_id

    if not token:
        return None
    try:
        return decrypt_id(token)
    except FieldCryptoError:
        return "（无法解密）"


def _mask(plain: str | None) -> str | None:
    from credit.core.masking import mask_id_number

    return mask_id_number(plain) if plain and not plain.startswith("（") else plain


def _actor_label(batch) -> str:
    if batch.created_by_id:
        return batch.created_by.get_username()
    if batch.created_by_client_id:
        return f"api:{batch.created_by_client.name}"
    return "系统"


def subjects_touched(batch_id: int) -> list[int]:
    """The subjects whose records the batch wrote: the records it inserted or changed, and
    the subjects those changed records belonged to before (a corrected subject link)."""
    now = set(
        Record.objects.filter(batch_id=batch_id)
        .exclude(subject_id=None)
        .values_list("subject_id", flat=True)
        .distinct()
    )
    before = set(
        RecordHistory.objects.filter(superseded_by_batch_id=batch_id)
        .exclude(subject_id=None)
        .values_list("subject_id", flat=True)
        .distinct()
    )
    return sorted(now | before)


def corrected_records(batch_id: int) -> list[tuple[int, int, int, int]]:
    """The records a batch corrected (an earlier version moved to history): (record id,
    its subject now, its subject before, its new version number), by record id."""
    rows = (
        RecordHistory.objects.filter(superseded_by_batch_id=batch_id)
        .values_list("record_id", "record__subject_id", "subject_id", "record__version_no")
        .order_by("record_id")
    )
    return list(rows)
