"""The read behind the 信用档案 page: three compiled statements, plain tuples, no models.

The page is the portal's busiest (every search result links to one), and building it
through the ORM cost more in Django's query compiler and model instantiation than in the
database. The querysets here are still built from the credit-facts kernel's public rule —
`records.queries.public_records` and `facts.readable(LIST_ENTRY, PUBLIC)` — so "public"
keeps one definition; they are only compiled once per process (`core.sqlcompile`), with
marker values in the place of the subject and the day, and run again with the real ones
substituted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import CharField, Count, F, Max, Q, Value, Window
from django.db.models.functions import Coalesce, NullIf, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from credit import facts
from credit.core import sqlcompile
from credit.core.normalize import has_control_chars
from credit.core.sqlcompile import Statement
from credit.facts import disputes
from credit.lists.models import Color
from credit.portal.opaque import entry_token, record_token
from credit.records.queries import public_records
from credit.subjects.models import Subject, SubjectRegistration

# Records of each dataset shown on the profile; the rest are one click away on the
# 双公示 list filtered to the subject.
SHOWN_PER_DATASET = 20

# Marker values compiled into the cached statements (see credit.core.sqlcompile).
_DAY = sqlcompile.DAY
_PUBLIC_ID = sqlcompile.marker("portal-profile-subject")
_TEXT = CharField()


def compile_statement(queryset) -> Statement:
    return sqlcompile.compile_statement(queryset, today=_DAY, public_id=_PUBLIC_ID)


_REGISTRATION_FIELDS = (
    "entity_type",
    "legal_rep",
    "established_on",
    "capital",
    "address",
    "business_scope",
    "term_from",
    "term_to",
    "authority",
    "status",
    "approved_on",
)
_REGISTRATION_DATES = {"established_on", "term_from", "term_to", "approved_on"}


@cache
def _statements(vendor: str) -> dict[str, Statement]:
    # Keyed by vendor so a test run that switches engines never reuses foreign SQL.
    by_dataset = [F("dataset_id")]
    newest_first = [F("decision_date").desc(), F("id").desc()]
    # The 异议标注 as an EXISTS per row: Django computes it before the rank filter, so a
    # subject with 5,000 public records probes the (nearly empty) open-dispute index 5,000
    # times — measured ~5 ms of that subject's ~25 ms statement; one probe per row of the
    # typical subject costs less than a statement of its own.
    records = (
        disputes.annotate(public_records(_DAY), facts.RECORD)
        .filter(subject__public_id=_PUBLIC_ID)
        .annotate(
            rank=Window(RowNumber(), partition_by=by_dataset, order_by=newest_first),
            total=Window(Count("id"), partition_by=by_dataset),
            newest=Window(Max("updated_at"), partition_by=by_dataset),
        )
        .filter(rank__lte=SHOWN_PER_DATASET)
        .order_by("dataset_id", "-decision_date", "-id")
        .values_list(
            "id",
            "dataset__code",
            "dataset_version_id",
            "dataset_version__definition_hash",
            "doc_number",
            Coalesce(NullIf("authority_name", Value("")), "department__name", output_field=_TEXT),
            "decision_date",
            # The whole row's data: which fields a dataset lists is catalog data, known only
            # once the version is; a statement per dataset would cost a round trip each.
            "data",
            "public_until",
            "total",
            "newest",
            "disputed",
        )
    )
    entries = (
        disputes.annotate(
            facts.readable(facts.LIST_ENTRY, facts.Audience.PUBLIC, _DAY), facts.LIST_ENTRY
        )
        .filter(subject__public_id=_PUBLIC_ID)
        .order_by("list_type__color", "list_type__position", "-decision_date", "-id")
        .values_list(
            "list_type__code",
            "list_type__name",
            "list_type__color",
            "decision_number",
            "decision_date",
            "period_start",
            "period_end",
            Coalesce(
                NullIf("authority_name", Value("")),
                "department__name",
                NullIf("list_type__authority_label", Value("")),
                "list_type__department__name",
                Value(""),
                output_field=_TEXT,
            ),
            "id",
            "disputed",
        )
    )
    subject = Subject.objects.filter(Q(public_id=_PUBLIC_ID)).values_list(
        "id", "kind", "name", "uscc", "id_cipher", "legal_rep", "region_code", "updated_at"
    )
    # The current registration (basic_info's 基本信息), at most one by a unique constraint:
    # read in the same pipeline rather than by basic_info's own query afterwards.
    registration = SubjectRegistration.objects.filter(
        subject__public_id=_PUBLIC_ID, superseded_at__isnull=True
    ).values_list(*_REGISTRATION_FIELDS)
    return {
        "subject": compile_statement(subject),
        "current_registration": compile_statement(registration),
        "records": compile_statement(records),
        "entries": compile_statement(entries),
    }


@dataclass
class RecordRow:
    token: str
    doc_number: str
    authority: str
    decision_date: dt.date
    data: dict
    public_until: dt.date | None
    version_id: int
    version_hash: str
    pk: int | None = None
    disputed: bool = False


@dataclass
class DatasetRows:
    rows: list[RecordRow] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class EntryRow:
    list_code: str
    list_name: str
    color: str
    decision_number: str
    decision_date: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    authority: str
    pk: int
    # The kernel's dispute facet (异议标注), read in the same statement.
    disputed: bool = False

    @property
    def token(self) -> str:
        """Its public id (self-check, objection, repair), as the public API gives it."""
        return entry_token(self.pk)


@dataclass
class SubjectRow:
    id: int
    kind: str
    name: str
    uscc: str | None
    id_cipher: str
    legal_rep: str
    region_code: str
    updated_at: dt.datetime


@dataclass
class ProfileData:
    subject: SubjectRow
    datasets: dict[str, DatasetRows]
    red: list[EntryRow]
    black: list[EntryRow]
    updated: dt.datetime | None
    # The current registration (unsaved model built from the row), None when none is known.
    registration: SubjectRegistration | None = None


def _run_all(statements: list[Statement], public_id: str, today: dt.date) -> list[list[tuple]]:
    """Each statement's rows. On PostgreSQL all are sent in one pipeline (one round trip,
    which under load costs more than the statements) through cursors that bind on the
    server, so psycopg prepares them once per connection (OPTIONS prepare_threshold) and
    PostgreSQL stops re-planning them: planning cost several times their execution."""
    if connection.vendor != "postgresql":
        results = []
        for statement in statements:
            with connection.cursor() as cursor:
                cursor.execute(statement.sql, statement.bind(public_id=public_id, today=today))
                results.append(cursor.fetchall())
        return results
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    cursors = []
    try:
        with connection.wrap_database_errors, raw.pipeline():
            for statement in statements:
                cursor = connection._prepare_cursor(ServerBindingCursor(raw))
                cursors.append(cursor)
                cursor.execute(statement.sql, statement.bind(public_id=public_id, today=today))
        with connection.wrap_database_errors:
            return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def _json(value) -> dict:
    # The raw cursor hands JSON back as text (SQLite, and psycopg as Django configures it).
    if isinstance(value, (str, bytes)):
        return json.loads(value)
    return value or {}


def _date(value) -> dt.date | None:
    # SQLite hands back ISO strings for values computed inside the statement.
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _moment(value) -> dt.datetime | None:
    # SQLite's raw cursor returns ORM-written times as naive UTC datetimes (or strings for
    # values computed in the statement): all are UTC, made aware so they compare.
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(value)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def load(public_id: str, today: dt.date | None = None) -> ProfileData | None:
    """The subject, its newest public records per dataset and its public list entries."""
    # No stored public id is longer or holds a control character; PostgreSQL would refuse a
    # NUL from the URL as a parameter rather than find nothing.
    max_length = Subject._meta.get_field("public_id").max_length
    if not public_id or len(public_id) > max_length or has_control_chars(public_id):
        return None
    today = today or timezone.localdate()
    statements = _statements(connection.vendor)
    found, registration_rows, record_rows, entry_rows = _run_all(
        [
            statements["subject"],
            statements["current_registration"],
            statements["records"],
            statements["entries"],
        ],
        public_id,
        today,
    )
    if not found:
        return None
    subject = SubjectRow(*found[0])
    subject.updated_at = _moment(subject.updated_at)
    # A dataset the subject has nothing of reads as empty rows (callers ask by code).
    datasets: dict[str, DatasetRows] = defaultdict(DatasetRows)
    newest = [subject.updated_at]
    for row in record_rows:
        pk, code, version_id, version_hash, doc, authority, decided, data = row[:8]
        until, total, latest, disputed = row[8:]
        shown = datasets[code]
        shown.total = total
        shown.rows.append(
            RecordRow(
                record_token(pk),
                doc,
                authority or "",
                _date(decided),
                _json(data),
                _date(until),
                version_id,
                version_hash,
                pk,
                bool(disputed),
            )
        )
        newest.append(_moment(latest))
    red, black = [], []
    for row in entry_rows:
        entry = EntryRow(*row[:-1], disputed=bool(row[-1]))
        (red if entry.color == Color.RED else black).append(entry)
    return ProfileData(
        subject=subject,
        datasets=datasets,
        red=red,
        black=black,
        updated=max(filter(None, newest), default=None),
        registration=_registration(registration_rows),
    )


def _registration(rows: list[tuple]) -> SubjectRegistration | None:
    if not rows:
        return None
    values = dict(zip(_REGISTRATION_FIELDS, rows[0], strict=True))
    for name in _REGISTRATION_DATES:
        values[name] = _date(values[name])
    if values["capital"] is not None and not isinstance(values["capital"], Decimal):
        # SQLite's raw cursor hands the decimal back as a float or text.
        values["capital"] = Decimal(str(values["capital"]))
    return SubjectRegistration(**values)
