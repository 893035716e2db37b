"""Set-based idempotent upsert of a staged batch into records.

The business key is (dataset, authority USCC, normalised document number). A staged row
whose key is new inserts a record; one whose content hash differs moves the old version
to RecordHistory and updates the record (version + 1); an identical one changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from credit.records.models import Record, RecordHistory

STAGING = "collection_stagedrow"
RECORD = Record._meta.db_table
HISTORY = RecordHistory._meta.db_table


def _json(expr: str) -> str:
    return f"{expr}::jsonb" if connection.vendor == "postgresql" else expr


def classify(batch_id: int, dataset_id: int) -> None:
    """Mark staged rows that match an existing record with its id, hash and owner."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {STAGING}
            SET record_id = r.id, old_hash = r.content_hash, old_subject_id = r.subject_id,
                old_department_id = r.department_id
            FROM {RECORD} r
            WHERE {STAGING}.batch_id = %s AND r.dataset_id = %s
              AND r.authority_uscc = {STAGING}.authority_uscc AND r.doc_key = {STAGING}.doc_key
            """,
            [batch_id, dataset_id],
        )


def conflicts(batch_id: int, department_id: int) -> list[tuple[int, str]]:
    """Rows whose decision was already sent by another department: (row, that record's doc)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT row_no, doc_number FROM {STAGING}
            WHERE batch_id = %s AND record_id IS NOT NULL AND old_department_id <> %s
            ORDER BY row_no
            """,
            [batch_id, department_id],
        )
        return cursor.fetchall()


def apply(batch, now: dt.datetime) -> dict[str, int]:
    """Insert new records, version changed ones; returns new/updated/unchanged counts."""
    b = [batch.id]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {RECORD} (dataset_id, dataset_version_id, department_id, subject_id,
                authority_uscc, authority_name, doc_number, doc_key, decision_date, severity,
                data, content_hash, version_no, received_at, workdays_to_receipt, is_late,
                created_batch_id, batch_id, batch_row, created_at, updated_at)
            SELECT %s, %s, %s, s.subject_id, s.authority_uscc, s.authority_name, s.doc_number,
                s.doc_key, s.decision_date, s.severity, {_json("s.data")}, s.content_hash, 1, %s,
                s.workdays, s.is_late, %s, %s, s.row_no, %s, %s
            FROM {STAGING} s WHERE s.batch_id = %s AND s.record_id IS NULL
            """,
            [
                batch.dataset_id,
                batch.dataset_version_id,
                batch.department_id,
                batch.received_at,
                batch.id,
                batch.id,
                now,
                now,
                batch.id,
            ],
        )
        created = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {HISTORY} (record_id, version_no, dataset_version_id, subject_id,
                decision_date, severity, data, content_hash, batch_id, superseded_at,
                superseded_by_batch_id)
            SELECT r.id, r.version_no, r.dataset_version_id, r.subject_id, r.decision_date,
                r.severity, r.data, r.content_hash, r.batch_id, %s, %s
            FROM {RECORD} r JOIN {STAGING} s ON s.record_id = r.id
            WHERE s.batch_id = %s AND s.old_hash <> s.content_hash
            """,
            [now, batch.id, batch.id],
        )
        _log_updates(cursor, batch, now)
        cursor.execute(
            f"""
            UPDATE {RECORD} SET
                dataset_version_id = %s, subject_id = s.subject_id,
                authority_name = s.authority_name, doc_number = s.doc_number,
                decision_date = s.decision_date, severity = s.severity,
                data = {_json("s.data")}, content_hash = s.content_hash,
                version_no = {RECORD}.version_no + 1, batch_id = %s, batch_row = s.row_no,
                updated_at = %s
            FROM {STAGING} s
            WHERE s.batch_id = %s AND s.record_id = {RECORD}.id AND s.old_hash <> s.content_hash
            """,
            [batch.dataset_version_id, batch.id, now, batch.id],
        )
        updated = cursor.rowcount
        cursor.execute(
            f"SELECT COUNT(*), SUM(CASE WHEN is_late THEN 1 ELSE 0 END) FROM {STAGING} "
            "WHERE batch_id = %s",
            b,
        )
        total, late = cursor.fetchone()
    return {
        "new": created,
        "updated": updated,
        "unchanged": total - created - updated,
        "late": int(late or 0),
    }


def _log_updates(cursor, batch, now: dt.datetime) -> None:
    """One change-log entry per updated record, written in the same statement set."""
    from credit.audit.models import ChangeLog

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
            {_json(before)}, {_json(after)}, %s
        FROM {RECORD} r JOIN {STAGING} s ON s.record_id = r.id
        WHERE s.batch_id = %s AND s.old_hash <> s.content_hash
        """,
        [
            now,
            batch.created_by_id,
            batch.created_by_client_id,
            _actor_label(batch),
            batch.id,
            f"batch:{batch.public_id}",
            batch.id,
        ],
    )


def _actor_label(batch) -> str:
    if batch.created_by_id:
        return batch.created_by.get_username()
    if batch.created_by_client_id:
        return f"api:{batch.created_by_client.name}"
    return "系统"
