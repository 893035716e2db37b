"""Turning validated rows into staging rows and writing them fast.

PostgreSQL gets COPY; SQLite gets executemany in chunked transactions. Both write the
same columns (`STAGED_COLUMNS`), so everything after staging is set-based SQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

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

    def __init__(self, batch_id: int, fields, received: dt.date, deadline_workdays: int):
        self.batch_id = batch_id
        self.received = received
        self.deadline = deadline_workdays
        self.secret_codes = [f.code for f in fields if f.masking == "id_number"]
        self.labels = {f.role: f.label for f in fields if f.role}

    def build(self, res: RowResult) -> tuple | Problem:
        role = res.by_role
        values = {k: v for k, v in res.values.items() if v != ""}
        decision = role["decision_date"]
        try:
            days = workdays.workdays_between(decision, self.received)
        except workdays.WorkdayCalendarError as exc:
            return Problem(
                errors.CALENDAR_UNKNOWN, str(exc), res.row, self.labels.get("decision_date", "")
            )
        # The content hash covers ID numbers through their blind-index digest, so it is
        # stable across imports although the ciphertext is randomised.
        hashed = dict(values)
        for code in self.secret_codes:
            if code in values:
                hashed[code] = fieldcrypto.id_digest(values[code])
                values[code] = fieldcrypto.encrypt_id(values[code])
        content_hash = hashlib.md5(orjson.dumps(hashed)).hexdigest()

        kind = KIND_BY_LABEL[role["subject_kind"]]
        uscc = role.get("subject_uscc") or None
        number = role.get("subject_id_number")
        id_digest = id_cipher = ""
        region = uscc[2:8] if uscc else ""
        if kind == "person" and number:
            plain = getattr(number, "number", number)
            id_type = role.get("subject_id_type") or ID_CARD
            key = plain if id_type == ID_CARD else f"{id_type}:{plain}"
            id_digest = fieldcrypto.id_digest(key)
            id_cipher = fieldcrypto.encrypt_id(plain)
            if id_type == ID_CARD:
                region = plain[:6]
        name = role["subject_name"]
        number_text = role["document_number"]
        return (
            self.batch_id,
            res.row,
            kind,
            name,
            name_key(name),
            uscc if kind != "person" else None,
            role.get("subject_org_code") or "",
            id_digest or None,
            id_cipher,
            role.get("legal_rep") or "",
            region,
            new_public_id(),
            role["authority_uscc"],
            role.get("authority_name") or "",
            number_text,
            doc_key(number_text),
            decision,
            role.get("severity") or "",
            orjson.dumps(values).decode(),
            content_hash,
            days,
            days > self.deadline,
        )


class StagingWriter:
    """Buffers staging tuples and writes them in chunks."""

    CHUNK = 20_000

    def __init__(self):
        self.buffer: list[tuple] = []
        self.vendor = connection.vendor
        self.table = StagedRow._meta.db_table

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        rows, self.buffer = self.buffer, []
        columns = ", ".join(STAGED_COLUMNS)
        with transaction.atomic(), connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor  # psycopg 3 cursor behind Django's wrapper
                with raw.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(STAGED_COLUMNS))
                cursor.executemany(f"INSERT INTO {self.table} ({columns}) VALUES ({marks})", rows)


def clear(batch_id: int) -> None:
    StagedRow.objects.filter(batch_id=batch_id).delete()
