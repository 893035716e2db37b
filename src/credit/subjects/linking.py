"""Set-based subject linking for a staged batch.

Rules (architecture.md, issue "foundation"): a row links to an existing subject by USCC,
else by ID-number digest, else a subject is created. A row with neither never merges with
another subject by name: it keeps the subject of the record it updates, or gets a new,
unverified subject flagged for review.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from credit.subjects.models import Subject, SubjectNameHistory

STAGING = "collection_stagedrow"
SUBJECT = Subject._meta.db_table
RECORD = "records_record"  # subjects must not import records (records depend on subjects)

_INSERT_COLUMNS = (
    "public_id, kind, name, name_norm, uscc, org_code, id_cipher, id_digest, legal_rep, "
    "region_code, verified, needs_review, created_at, updated_at"
)


def _insert_by(cursor, key: str, batch_id: int, now: dt.datetime) -> int:
    """Create one subject per distinct `key` value not yet known (newest row's name wins)."""
    cursor.execute(
        f"""
        INSERT INTO {SUBJECT} ({_INSERT_COLUMNS})
        SELECT new_public_id, subject_kind, subject_name, name_norm, uscc, org_code, id_cipher,
               id_digest, legal_rep, region_code, %s, %s, %s, %s
        FROM (
            SELECT s.*, ROW_NUMBER() OVER (
                PARTITION BY s.{key} ORDER BY s.decision_date DESC, s.row_no DESC) AS rank_
            FROM {STAGING} s
            WHERE s.batch_id = %s AND s.{key} IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM {SUBJECT} x WHERE x.{key} = s.{key})
        ) ranked
        WHERE rank_ = 1
        """,
        [True, False, now, now, batch_id],
    )
    created = cursor.rowcount
    cursor.execute(
        f"""
        UPDATE {STAGING} SET subject_id = x.id
        FROM {SUBJECT} x
        WHERE {STAGING}.batch_id = %s AND {STAGING}.{key} IS NOT NULL
          AND x.{key} = {STAGING}.{key}
        """,
        [batch_id],
    )
    return created


def link_batch(
    batch_id: int, now: dt.datetime, source: str, dataset_id: int | None = None
) -> dict[str, int]:
    """Fill `subject_id` of every staged row of the batch; returns counters.

    `dataset_id` is the batch's dataset: identifier-less rows whose decision is already
    stored in it keep that record's subject.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Hash joins and the window sorts over a whole batch spill to disk with the
            # 4 MB default; the setting ends with the load transaction (SET LOCAL).
            cursor.execute("SET LOCAL work_mem = '128MB'")
        created = _insert_by(cursor, "uscc", batch_id, now)
        created += _insert_by(cursor, "id_digest", batch_id, now)
        # Identifier-less rows that update an existing record keep that record's subject.
        if dataset_id is not None:
            cursor.execute(
                f"""
                UPDATE {STAGING} SET subject_id = r.subject_id
                FROM {RECORD} r
                WHERE {STAGING}.batch_id = %s AND {STAGING}.subject_id IS NULL
                  AND r.dataset_id = %s AND r.authority_uscc = {STAGING}.authority_uscc
                  AND r.doc_key = {STAGING}.doc_key
                """,
                [batch_id, dataset_id],
            )
        cursor.execute(
            f"""
            INSERT INTO {SUBJECT} ({_INSERT_COLUMNS})
            SELECT new_public_id, subject_kind, subject_name, name_norm, NULL, org_code, id_cipher,
                   NULL, legal_rep, region_code, %s, %s, %s, %s
            FROM {STAGING} WHERE batch_id = %s AND subject_id IS NULL
            """,
            [False, True, now, now, batch_id],
        )
        unverified = cursor.rowcount
        if unverified:
            cursor.execute(
                f"""
                UPDATE {STAGING} SET subject_id = x.id
                FROM {SUBJECT} x
                WHERE {STAGING}.batch_id = %s AND {STAGING}.subject_id IS NULL
                  AND x.public_id = {STAGING}.new_public_id
                """,
                [batch_id],
            )
        renamed = _record_name_changes(cursor, batch_id, now, source)
    return {"created": created + unverified, "unverified": unverified, "renamed": renamed}


def _record_name_changes(cursor, batch_id: int, now: dt.datetime, source: str) -> int:
    """A verified subject whose newest row carries another name: keep the old as history."""
    cursor.execute(
        f"""
        SELECT subject_id, subject_name, name_norm FROM (
            SELECT s.subject_id, s.subject_name, s.name_norm, ROW_NUMBER() OVER (
                PARTITION BY s.subject_id ORDER BY s.decision_date DESC, s.row_no DESC) AS rank_
            FROM {STAGING} s JOIN {SUBJECT} x ON x.id = s.subject_id
            WHERE s.batch_id = %s AND x.verified AND x.name <> s.subject_name
        ) ranked WHERE rank_ = 1
        """,
        [batch_id],
    )
    changes = cursor.fetchall()
    if not changes:
        return 0
    subjects = Subject.objects.in_bulk([c[0] for c in changes])
    SubjectNameHistory.objects.bulk_create(
        SubjectNameHistory(subject_id=sid, name=subjects[sid].name, source=source)
        for sid, _name, _norm in changes
    )
    for sid, name, norm in changes:
        Subject.objects.filter(pk=sid).update(name=name, name_norm=norm, updated_at=now)
    return len(changes)
