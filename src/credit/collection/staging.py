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
from collections.abc import Callable

import orjson
from django.db import connection, transaction

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
    ):
        """`windows(decision_date, severity, data)` gives a new record's publicity window
        (records.publicity.RowWindows); without it rows are staged as not published."""
        self.batch_id = batch_id
        self.windows = windows
        self.received = received
        self.deadline = deadline_workdays
        self.secret_codes = [f.code for f in fields if f.masking == "id_number"]
        self.labels = {f.role: f.label for f in fields if f.role}
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
        number_text = role["document_number"]
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
            days is not None and days > self.deadline,
            public_from,
            public_until,
            visibility,
        )


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
        """Finish writing; afterwards every added row is committed and visible."""
        if self._copy is None:
            self.flush()
            return
        copy, self._copy = self._copy, None
        try:
            copy.__exit__(None, None, None)
        finally:
            self._db.close()

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


def clear(batch_id: int) -> None:
    StagedRow.objects.filter(batch_id=batch_id).delete()
