"""Registration records (dataset registration) recorded on their subjects.

The dataset's consumer (`collection.consumers`, registered from `RegistrationConfig.ready`):
inside the batch's load transaction, right after the records upsert, every registration
record the batch wrote becomes a version of its subject's registration
(`subjects.services.apply_registrations`), so a batch stores its records and the subjects'
base information together or not at all (a validate-only run rolls both back).

This app sits above collection because subjects sit below it and must not know datasets.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from credit.collection.pipeline import batch_actor
from credit.records.models import Record
from credit.subjects import services
from credit.subjects.services import STATUS_BY_LABEL, Registration

DATASET_CODE = "registration"
# Columns by exchange code in definitions/registration.yaml.
NAME = "DJ_ZTMC"
ENTITY_TYPE = "DJ_ZTLX"
LEGAL_REP = "DJ_FDDBR"
ESTABLISHED = "DJ_CLRQ"
CAPITAL = "DJ_ZCZB"
ADDRESS = "DJ_ZS"
SCOPE = "DJ_JYFW"
TERM_FROM = "DJ_YYQXZ"
TERM_TO = "DJ_YYQXZHI"
STATUS = "DJ_DJZT"
LONG_TERM = dt.date(2099, 12, 31)


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def registration_of(record: Record) -> Registration:
    data = record.data or {}
    term_to = _date(data.get(TERM_TO))
    return Registration(
        name=str(data.get(NAME) or "")[:200],
        entity_type=str(data.get(ENTITY_TYPE) or ""),
        legal_rep=str(data.get(LEGAL_REP) or "")[:100],
        established_on=_date(data.get(ESTABLISHED)),
        capital=_decimal(data.get(CAPITAL)),
        address=str(data.get(ADDRESS) or "")[:500],
        business_scope=str(data.get(SCOPE) or ""),
        term_from=_date(data.get(TERM_FROM)),
        term_to=None if term_to is not None and term_to >= LONG_TERM else term_to,
        authority=record.authority_name[:200],
        authority_uscc=record.authority_uscc,
        status=STATUS_BY_LABEL.get(str(data.get(STATUS) or "").strip(), ""),
        approved_on=record.decision_date,
    )


def apply_batch(batch) -> dict:
    """Record the registrations this batch wrote on their subjects; returns the counts."""
    records = Record.objects.filter(batch=batch).order_by("decision_date", "batch_row")
    items = [(r.subject_id, registration_of(r), r.pk) for r in records.iterator(chunk_size=2000)]
    applied = services.apply_registrations(
        batch_actor(batch), items, source=f"批次 {batch.public_id}"
    )
    return vars(applied)
