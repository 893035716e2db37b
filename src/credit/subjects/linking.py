"""Set-based subject linking for a staged batch.

Rules (architecture.md, issue "foundation"): a row links to an existing subject by USCC,
else by ID-number digest, else a subject is created. A row with neither never merges with
another subject by name: it keeps the subject of the record it updates, or gets a new,
unverified subject flagged for review.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from credit.core.normalize import name_key
from credit.core.sqltime import sql_moment
from credit.subjects.models import Subject, SubjectNameSeen

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
    return cursor.rowcount


# Staged rows are never updated with their subject (rewriting every wide staging row cost
# more than the joins): statements that need it join these and take `subject_of(...)`.
# A row links by USCC, else by ID digest, else (`fallback`) the subject of the record it
# updates, else the unverified subject created for it under its new_public_id. Every
# joined column is unique, so the joins never multiply rows.
SUBJECT_JOINS = f"""
    LEFT JOIN {SUBJECT} su ON su.uscc = s.uscc
    LEFT JOIN {SUBJECT} sd ON s.uscc IS NULL AND sd.id_digest = s.id_digest
    LEFT JOIN {SUBJECT} sp ON s.uscc IS NULL AND s.id_digest IS NULL
        AND sp.public_id = s.new_public_id
"""


def subject_of(fallback: str = "NULL") -> str:
    return f"COALESCE(su.id, sd.id, {fallback}, sp.id)"


def link_batch(batch_id: int, now: dt.datetime, source: str, dataset_id: int) -> dict[str, int]:
    """Create the subjects the staged rows of the batch need; returns counters.

    Identifier-less rows whose decision is already stored in `dataset_id` keep that
    record's subject; the others get a new, unverified subject each.
    """
    at = sql_moment(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Hash joins and the window sorts over a whole batch spill to disk with the
            # 4 MB default; the setting ends with the load transaction (SET LOCAL).
            cursor.execute("SET LOCAL work_mem = '128MB'")
        created = _insert_by(cursor, "uscc", batch_id, at)
        created += _insert_by(cursor, "id_digest", batch_id, at)
        cursor.execute(
            f"""
            INSERT INTO {SUBJECT} ({_INSERT_COLUMNS})
            SELECT new_public_id, subject_kind, subject_name, name_norm, NULL, org_code, id_cipher,
                   NULL, legal_rep, region_code, %s, %s, %s, %s
            FROM {STAGING} s
            WHERE s.batch_id = %s AND s.uscc IS NULL AND s.id_digest IS NULL
              AND NOT EXISTS (SELECT 1 FROM {RECORD} r WHERE {_SAME_RECORD})
            """,
            [False, True, at, at, batch_id, dataset_id],
        )
        unverified = cursor.rowcount
        mismatches = _name_mismatches(cursor, batch_id, dataset_id)
    if mismatches:
        Subject.objects.filter(pk__in={m[1] for m in mismatches}, needs_review=False).update(
            needs_review=True, updated_at=now
        )
        _remember_names(mismatches, now, source)
    return {
        "created": created + unverified,
        "unverified": unverified,
        "name_mismatches": mismatches,
    }


def _remember_names(mismatches, now: dt.datetime, source: str) -> None:
    """Keep each differing name once per subject, for the review queue to show. Inside the
    load transaction, so a dry run (rolled back) remembers nothing."""
    seen: dict[tuple[int, str], str] = {}
    for _row, subject_id, _registered, given in mismatches:
        seen.setdefault((subject_id, name_key(given)), given)
    SubjectNameSeen.objects.bulk_create(
        [
            SubjectNameSeen(
                subject_id=subject_id,
                name=given[:200],
                name_norm=norm[:200],
                first_seen_at=now,
                source=source[:100],
            )
            for (subject_id, norm), given in seen.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    # A name the office already decided on that comes again is a question again: the
    # subject is flagged anew above, so its name shows as open in the queue.
    reopen = [
        row.pk
        for row in SubjectNameSeen.objects.filter(
            subject_id__in={key[0] for key in seen}, resolved_at__isnull=False
        ).only("subject_id", "name_norm")
        if (row.subject_id, row.name_norm) in seen
    ]
    if reopen:
        SubjectNameSeen.objects.filter(pk__in=reopen).update(
            resolved_at=None, resolution="", resolved_by=""
        )


# `(SELECT %s)`: estimated as an average dataset, never from stale statistics that miss it
# (records.upsert._SAME_KEY says why).
_SAME_RECORD = (
    "r.dataset_id = (SELECT %s) AND r.authority_uscc = s.authority_uscc AND r.doc_key = s.doc_key"
)


def _name_mismatches(cursor, batch_id: int, dataset_id: int) -> list[tuple[int, int, str, str]]:
    """(row, subject id, subject's name, name in the row) of every staged row whose name
    differs from that of the verified subject it links to.

    A department's file never renames a subject: the name comes from its registration (or
    the credit office). Otherwise any department could rename any company on the public
    portal with one row. The record keeps the name as given; the subject goes to review.
    Names are compared normalised (full/half width, brackets, spaces), so only a real
    difference counts.
    """
    cursor.execute(
        f"""
        SELECT s.row_no, x.id, x.name, s.subject_name
        FROM {STAGING} s {SUBJECT_JOINS}
        LEFT JOIN {RECORD} r ON {_SAME_RECORD}
        JOIN {SUBJECT} x ON x.id = {subject_of("r.subject_id")}
        WHERE s.batch_id = %s AND x.verified AND x.name_norm <> s.name_norm
        ORDER BY s.row_no
        """,
        [dataset_id, batch_id],
    )
    return cursor.fetchall()
