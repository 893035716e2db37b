"""Turning validated rows into staging rows and writing them fast.

PostgreSQL gets COPY; SQLite gets executemany in chunked transactions. Both write the
same columns (`STAGED_COLUMNS`), so everything after staging is set-based SQL.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Callable, Iterator

import orjson
from django.db import OperationalError, connection, transaction

from credit.collection import errors
from credit.collection.errors import Problem
from credit.collection.models import STAGED_COLUMNS, StagedRow
from credit.collection.validation import RowResult
from credit.core import fieldcrypto, workdays
from credit.core.normalize import doc_key, name_key

KIND_BY_LABEL = {
    "法人及非法人组织": "organization",
    "个体工商户": "sole_trader",
    "自然人": "person",
}
ID_CARD = "身份证"


def new_public_id() -> str:
    """Opaque, unguessable identifier for public URLs (never a sequential id)."""
    return secrets.token_urlsafe(12)


class RowStager:
    """Builds the staging tuple of one valid row (identity, content hash, timeliness)."""

    def __init__(
        self,
        batch_id: int,
        fields,
        received: dt.date,
        deadline_workdays: int,
        windows: Callable[[dt.date, str, dict], tuple] | None = None,
        on_time: Callable[[dict], bool] | None = None,
        key_fields: tuple[str, ...] = (),
    ):
        """`windows(decision_date, severity, data)` gives a new record's publicity window
        (records.publicity.RowWindows); without it rows are staged as not published.
        `on_time(values)` says a row reached the platform in time by another way
        (consumers.on_time_check): it is then never late."""
        self.batch_id = batch_id
        self.windows = windows
        self.on_time = on_time
        self.received = received
        self.deadline = deadline_workdays
        self.secret_codes = [f.code for f in fields if f.masking == "id_number"]
        self.labels = {f.role: f.label for f in fields if f.role}
        # A dataset without a document number (e.g. an evaluation: body + kind + year) keys
        # its records by the business key's other fields, joined as the document number.
        authority = next((f.code for f in fields if f.role == "authority_uscc"), "")
        has_number = any(f.role == "document_number" for f in fields)
        self.doc_fields = () if has_number else tuple(c for c in key_fields if c != authority)
        # Per-batch answers that recur on many rows (decision dates, subject names, ID
        # digests are deterministic); bounded so a huge file cannot grow them without end.
        self._workdays: dict[dt.date, int] = {}
        self._name_keys: dict[str, str] = {}
        self._digests: dict[str, str] = {}
        self._ids = _PublicIds()

    def _digest(self, plain: str) -> str:
        digest = self._digests.get(plain)
        if digest is None:
            digest = fieldcrypto.id_digest(plain)
            _remember(self._digests, plain, digest)
        return digest

    def build(self, res: RowResult) -> tuple | Problem:
        role = res.by_role
        values = {k: v for k, v in res.values.items() if v != ""}
        decision = role["decision_date"]
        days = self._workdays.get(decision, _UNSEEN)
        if days is _UNSEEN:
            try:
                # None: a decision older than the working-day calendar (before 2004); its
                # timeliness is unknown, stored as no working-day count and not late.
                days = workdays.workdays_or_unknown(decision, self.received)
            except workdays.WorkdayCalendarError as exc:
                return Problem(
                    errors.CALENDAR_UNKNOWN, str(exc), res.row, self.labels.get("decision_date", "")
                )
            _remember(self._workdays, decision, days)
        late = days is not None and days > self.deadline
        if late and self.on_time is not None and self.on_time(res.values):
            late = False
        # The content hash covers ID numbers through their blind-index digest, so it is
        # stable across imports although the ciphertext is randomised.
        ciphers: dict[str, str] = {}
        secrets_here = [code for code in self.secret_codes if code in values]
        if secrets_here:
            hashed = dict(values)
            for code in secrets_here:
                plain = values[code]
                hashed[code] = self._digest(plain)
                values[code] = ciphers[plain] = fieldcrypto.encrypt_id(plain)
            data = orjson.dumps(values)
            content_hash = hashlib.md5(orjson.dumps(hashed)).hexdigest()
        else:
            data = orjson.dumps(values)
            content_hash = hashlib.md5(data).hexdigest()

        kind = KIND_BY_LABEL[role["subject_kind"]]
        uscc = role.get("subject_uscc") or None
        number = role.get("subject_id_number")
        id_digest = id_cipher = ""
        region = uscc[2:8] if uscc else ""
        if kind == "person" and number:
            plain = getattr(number, "number", number)
            id_type = role.get("subject_id_type") or ID_CARD
            key = plain if id_type == ID_CARD else f"{id_type}:{plain}"
            id_digest = self._digest(key)
            # Any fresh encryption of the number will do; reuse the one made for the data.
            id_cipher = ciphers.get(plain) or fieldcrypto.encrypt_id(plain)
            if id_type == ID_CARD:
                region = plain[:6]
        name = role["subject_name"]
        name_norm = self._name_keys.get(name)
        if name_norm is None:
            name_norm = name_key(name)
            _remember(self._name_keys, name, name_norm)
        number_text = role.get("document_number") or key_text(values, self.doc_fields)
        severity = role.get("severity") or ""
        if self.windows is None:
            public_from = public_until = None
            visibility = "not_published"
        else:
            public_from, public_until, visibility = self.windows(decision, severity, values)
        return (
            self.batch_id,
            res.row,
            kind,
            name,
            name_norm,
            uscc if kind != "person" else None,
            role.get("subject_org_code") or "",
            id_digest or None,
            id_cipher,
            role.get("legal_rep") or "",
            region,
            self._ids.next(),
            role["authority_uscc"],
            role.get("authority_name") or "",
            number_text,
            doc_key(number_text),
            decision,
            severity,
            data.decode(),
            content_hash,
            days,
            late,
            public_from,
            public_until,
            visibility,
        )


def key_text(values: dict, codes: tuple[str, ...]) -> str:
    return "·".join(str(values.get(code, "")) for code in codes)


MEMO_LIMIT = 50_000
_UNSEEN = object()


def _remember(memo: dict, key, value) -> None:
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value


class _PublicIds:
    """`new_public_id()` values drawn from the OS in blocks instead of one call per row."""

    BLOCK = 4096

    def __init__(self):
        self._pending: list[str] = []

    def next(self) -> str:
        if not self._pending:
            raw = os.urandom(12 * self.BLOCK)
            text = base64.urlsafe_b64encode(raw).decode()  # 12 bytes are exactly 16 chars
            self._pending = [text[i : i + 16] for i in range(0, len(text), 16)]
        return self._pending.pop()


class StagingWriter:
    """Writes staging tuples while the file streams; `close()` makes them visible.

    PostgreSQL: one COPY for the whole batch on a second connection of its own, fed by a
    background thread (`QueuedLibpqWriter`), so the server parses and stores rows on the
    other core while Python validates the next ones; nothing waits for the server until
    `close()`. The COPY is its own transaction: a failure or `abort()` leaves no rows.
    Progress updates keep using the default connection. SQLite (one writer at a time):
    executemany in chunked transactions on the default connection.
    """

    CHUNK = 20_000

    def __init__(self):
        self.buffer: list[tuple] = []
        self.table = StagedRow._meta.db_table
        self._copy = None
        if connection.vendor == "postgresql":
            self._open_copy()

    def _open_copy(self) -> None:
        from psycopg.copy import QueuedLibpqWriter

        self._db = connection.copy()
        self._db.ensure_connection()
        raw = self._db.connection  # psycopg 3 connection, autocommit: COPY commits itself
        self._cursor = raw.cursor()
        sql = f"COPY {self.table} ({', '.join(STAGED_COLUMNS)}) FROM STDIN"
        self._copy = self._cursor.copy(sql, writer=QueuedLibpqWriter(self._cursor))
        self.add = self._copy.__enter__().write_row

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        """SQLite: write what is buffered. PostgreSQL: nothing (rows flow continuously)."""
        if self._copy is not None or not self.buffer:
            return
        rows, self.buffer = self.buffer, []
        columns = ", ".join(STAGED_COLUMNS)
        marks = ", ".join(["%s"] * len(STAGED_COLUMNS))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {self.table} ({columns}) VALUES ({marks})", rows)

    def close(self) -> None:
        """Finish writing; afterwards every added row is committed, visible and analysed."""
        if self._copy is None:
            self.flush()
        else:
            copy, self._copy = self._copy, None
            try:
                copy.__exit__(None, None, None)
            finally:
                self._db.close()
        refresh_statistics()

    def abort(self) -> None:
        """Drop everything added (PostgreSQL: the COPY fails; SQLite: the buffer)."""
        self.buffer = []
        if self._copy is None:
            return
        copy, self._copy = self._copy, None
        try:
            error = RuntimeError("staging aborted")
            copy.__exit__(type(error), error, None)
        except Exception:
            pass  # the COPY is being cancelled; its error is the expected outcome
        finally:
            self._db.close()


def whole_batch_memory(cursor) -> None:
    """Give a statement over a whole batch room for its hash joins and aggregates.

    The 4 MB default spills them to disk for large batches; SET LOCAL ends with the
    surrounding transaction, so call it inside `transaction.atomic()`.
    """
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL work_mem = '128MB'")


# The columns the set-based statements filter, join and group staged rows on. The wide
# ones (data, id_cipher, names) only flow through, and their statistics cost the most to
# compute (ANALYZE decompresses them), so they are left out.
_PLANNED_COLUMNS = ("batch_id", "authority_uscc", "doc_key", "uscc", "id_digest", "new_public_id")
# The tables those statements join staged rows to (records by business key, subjects by
# USCC, ID digest and public id); named here because collection sits below neither's models.
_JOINED_TABLES = ["records_record", "subjects_subject"]


def refresh_statistics() -> None:
    """Make the planner's statistics describe the batch just staged and what it joins.

    Every statement after staging filters on `batch_id = <this batch>`. The staging table
    lives for one import at a time, so whatever statistics it has (from autovacuum, late
    or off, or an earlier ANALYZE) describe another batch: PostgreSQL then finds the new
    batch_id in no MCV or histogram bucket, estimates one row, and plans nested loops that
    rescan the staging side once per row - quadratic (30,000 rows spent 263 s in the
    duplicate check). ANALYZE samples at most 300 x statistics target (30,000) rows,
    whatever the batch size, so its cost is bounded (under 2 % of the import from 3,000
    to 300,000 rows: docs/performance.md, "Import under stale statistics"). It runs on the
    default connection after the COPY committed, so the sample sees this batch.

    The joined tables go stale the same way without autovacuum: never analysed (no
    statistics: `dataset_id = 3` is then guessed at 0.5 % of the table), or analysed
    before a dataset grew (not in the MCV list: one row). The planner then makes "all
    records of the dataset" the cheap outer side and rescans the staged batch inside it.
    They are analysed here by autovacuum's own rule (more than 50 + 10 % of the rows
    changed since the last ANALYZE, or never analysed), so the cost stays bounded and
    amortised over the batches that grew them. Only the sampled rows are read.

    SQLite: staging has no index, so ANALYZE would record a row count only, and no plan
    depends on it: staging is always the outer loop of lookups by unique keys and the
    duplicate check joins nothing (tests/collection/test_stale_statistics.py checks the
    plans of every statement on both databases). Nothing to do.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {StagedRow._meta.db_table} ({', '.join(_PLANNED_COLUMNS)})")
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_stat_user_tables t ON t.relid = c.oid
            WHERE c.relname = ANY(%s) AND pg_relation_size(c.oid) > 0
              AND (c.reltuples < 0 OR t.n_mod_since_analyze > 50 + 0.1 * c.reltuples)
            """,
            [_JOINED_TABLES],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def duplicate_keys(batch_id: int) -> Iterator[tuple[int, str, int]]:
    """(row, document number, first row) of every repeat of a business key in the batch.

    One pass over the batch's rows with a window (a sort, or hash aggregate, of the batch):
    no join of staging with itself, so no estimate, stale or fresh, can turn it into a
    nested loop that rescans the batch for each row.
    """
    table = StagedRow._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        whole_batch_memory(cursor)
        cursor.execute(
            f"""
            SELECT row_no, doc_number, first_row FROM (
                SELECT row_no, doc_number, MIN(row_no) OVER (
                    PARTITION BY authority_uscc, doc_key) AS first_row
                FROM {table} WHERE batch_id = %s
            ) keyed
            WHERE row_no <> first_row ORDER BY row_no
            """,
            [batch_id],
        )
        while rows := cursor.fetchmany(2000):
            yield from rows


def clear(batch_id: int) -> None:
    """Delete the batch's staged rows, and give the table's space back once it is empty.

    PostgreSQL keeps deleted rows in the table's files until a VACUUM, and autovacuum may
    be late or off: the file would then only grow, and every later batch's scans of
    staging would read all the rows ever deleted. When no batch has rows staged any more,
    TRUNCATE empties the file at once. It needs the table to itself, so it waits only a
    moment (a batch being staged holds the table) and otherwise leaves that to the next
    batch that finds the table empty. Not inside a transaction (tests wrap everything in
    one): the exclusive lock would be held to its end. SQLite reuses freed pages itself.
    """
    StagedRow.objects.filter(batch_id=batch_id).delete()
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    table = StagedRow._meta.db_table
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '200ms'")
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if not cursor.fetchone()[0]:
                cursor.execute(f"TRUNCATE {table}")
    except OperationalError:
        pass  # the lock was not granted in time: another batch is using the table
