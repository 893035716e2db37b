"""Entering list decisions that arrive through the collection pipeline (dataset list_decision).

Two parts, registered with the collection pipeline as the dataset's consumer
(`collection.consumers`, from `ListsConfig.ready`):

- `row_check` (built once per batch, run on every row while validating): a decision whose
  list type is unknown or inactive, which the sending department may not enter, or whose
  period is longer than its list allows is a row error of the batch, so it is refused
  before anything is stored and reported with its row and column, like any other error.
- `entries_from_batch` (inside the batch's load transaction, right after the records
  upsert): enters each decision as a decided and published list entry, so a batch stores
  its records and their list entries together or not at all (a validate-only run rolls both
  back). `services.enter_decided` is idempotent by (list type, decision number), so
  re-importing a file changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from credit.audit.services import log_change
from credit.catalog import queries as catalog
from credit.collection.consumers import Refused
from credit.collection.pipeline import batch_actor
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.core.normalize import doc_key
from credit.facts import transitions
from credit.lists import queries, services
from credit.lists.models import ListType, Source
from credit.records.models import Record

DATASET_CODE = "list_decision"
# Columns without a core role, by exchange code in definitions/list_decision.yaml.
BASIS_CODE = "MD_RDYJ"
FACTS_CODE = "MD_RDSS"

# Stable error codes of the row check: departments' systems match on them, never rename one.
UNKNOWN_LIST_TYPE = "unknown_list_type"
LIST_NOT_ALLOWED = "list_not_allowed"
LIST_PERIOD_TOO_LONG = "list_period_too_long"


class EntriesRefused(Refused):
    """Decisions of a batch that passed validation could not be entered at load time.

    Only happens when list types or departments changed between validating and loading
    the batch; the pipeline fails the batch with `message` (nothing is stored) and a re-run
    reports the rows as row errors.
    """

    def __init__(self, refused: list[tuple[int, str]]):
        shown = "；".join(f"第 {row} 行{message}" for row, message in refused[:5])
        more = f"等 {len(refused)} 行" if len(refused) > 5 else ""
        self.message = (
            f"名单认定决定未能录入：{shown}{more}。名单类型或认定部门在校验后发生了变化，"
            "批次未入库，请重新处理"
        )
        super().__init__(self.message)
        self.refused = refused


def _list_types(active_only: bool = True) -> dict[str, ListType]:
    """List types (active ones by default) by code and by Chinese name: files may carry
    either."""
    found: dict[str, ListType] = {}
    list_types = ListType.objects.select_related("department")
    if active_only:
        list_types = list_types.filter(active=True)
    for list_type in list_types:
        found[list_type.code] = list_type
        found[list_type.name] = list_type
    return found


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _not_allowed(list_type: ListType) -> str:
    if list_type.department_id:
        return f"本单位不是“{list_type.name}”的认定部门，不能报送该名单的认定决定"
    return (
        f"“{list_type.name}”无本市认定部门（{list_type.authority_display or '市外机关认定'}），"
        "只能由信用主管部门报送该名单的认定决定"
    )


class _RowCheck:
    """The list_decision row check of one batch (credit.collection.validation.RowCheck).

    Resolved once: the active list types by code and by name, and which of them `actor`
    (who the batch's entries are made as) may enter, by the same rule `enter_decided`
    applies.
    """

    def __init__(self, actor: Actor, fields):
        roles = {f.role: f.code for f in fields if f.role}
        self.type_code = roles["list_type"]
        self.start_code = roles["decision_date"]
        self.end_code = roles.get("valid_to", "")
        self.number_code = roles["document_number"]
        self.types = _list_types()
        self.every_type = _list_types(active_only=False)
        self.allowed = {
            lt.pk for lt in self.types.values() if services.can_act(actor, lt.department_id)
        }

    def __call__(self, values: dict[str, str]) -> Iterator[tuple[str, str, str]]:
        label = values.get(self.type_code, "")
        list_type = self.types.get(label)
        if list_type is None or list_type.pk not in self.allowed:
            # A decision the list already holds is re-sent unchanged, as `enter_decided`
            # treats it: a file sent again stays a no-op even after its list type was
            # switched off or moved to another department.
            known = self.every_type.get(label)
            number = values.get(self.number_code, "")
            if known is not None and number and queries.decision_entered(known.pk, number):
                return
        if list_type is None:
            yield self.type_code, UNKNOWN_LIST_TYPE, f"名单类型“{label}”不存在或已停用"
            return
        if list_type.pk not in self.allowed:
            yield self.type_code, LIST_NOT_ALLOWED, _not_allowed(list_type)
            return
        end = values.get(self.end_code) if self.end_code else None
        if end and list_type.max_period_months:
            start = dt.date.fromisoformat(values[self.start_code])
            longest = services.period_end_for(start, list_type.max_period_months)
            if dt.date.fromisoformat(end) > longest:
                yield (
                    self.end_code,
                    LIST_PERIOD_TOO_LONG,
                    f"“{list_type.name}”列入期限最长 {list_type.max_period_months} 个月"
                    f"（至 {longest.isoformat()}）",
                )


class _ProcedureDated:
    """Whether a list_decision row is a decision the list procedure already dated.

    Timeliness measures how long a decision took to reach the platform. A decision made
    in the console's procedure was on the platform the day it was made, so its record sent
    later by file is not late (超期), however many working days have passed.
    """

    def __init__(self, fields):
        roles = {f.role: f.code for f in fields if f.role}
        self.type_code = roles["list_type"]
        self.number_code = roles["document_number"]
        self._types: dict[str, ListType] | None = None
        self._keys: set[tuple[int, str]] | None = None

    def __call__(self, values: dict[str, str]) -> bool:
        if self._keys is None:
            self._keys = queries.procedure_decisions()
            self._types = _list_types(active_only=False) if self._keys else {}
        if not self._keys:
            return False
        list_type = self._types.get(str(values.get(self.type_code) or "").strip())
        number = str(values.get(self.number_code) or "")
        return list_type is not None and (list_type.pk, doc_key(number)) in self._keys


def procedure_dated(fields) -> _ProcedureDated:
    """The on-time check of a list_decision batch (see `_ProcedureDated`)."""
    return _ProcedureDated(fields)


def row_check(actor: Actor, fields) -> _RowCheck:
    """The row check of a list_decision batch whose entries will be made as `actor`."""
    return _RowCheck(actor, fields)


def entries_from_batch(batch) -> dict:
    """Create decided and published entries for the list decisions this batch wrote.

    Returns the counts. Validation (`row_check`) has already refused every row that could
    not be entered; a row refused here anyway (a list type deactivated or moved to another
    department since) raises `EntriesRefused` rather than leaving a record without its
    entry.
    """
    actor = batch_actor(batch)
    roles = {f.role: f.code for f in catalog.fields_of(batch.dataset_version) if f.role}
    published_on = timezone.localtime(batch.received_at).date()
    # Each entry is written through facts.transitions with its history and change log, but
    # the outbox gets one event for the batch naming the subjects (joining the pipeline's
    # batch of events when it runs inside the load transaction).
    with transitions.batch(
        actor,
        batch.public_id,
        action=transitions.Action.IMPORTED,
        request_id=f"batch:{batch.public_id}",
        name_facts=False,
    ):
        summary = _enter_all(actor, batch, roles, published_on)
    log_change(actor, "list_entry.import", "Batch", batch.public_id, after=summary)
    return summary


def _enter_all(actor: Actor, batch, roles: dict, published_on: dt.date) -> dict:
    list_types = _list_types()
    every_type = _list_types(active_only=False)
    created = existing = 0
    refused: list[tuple[int, str]] = []
    records = Record.objects.filter(batch=batch).select_related("subject").order_by("batch_row")
    for record in records:
        data = record.data
        label = (data.get(roles["list_type"]) or "").strip()
        list_type = list_types.get(label)
        if list_type is None:
            known = every_type.get(label)
            if known is not None and queries.decision_entered(known.pk, record.doc_number):
                existing += 1  # re-sent after its list type was switched off
                continue
            refused.append((record.batch_row, f"：名单类型“{label}”不存在或已停用"))
            continue
        try:
            _, made = services.enter_decided(
                actor,
                list_type,
                record.subject,
                record.doc_number,
                record.decision_date,
                data.get(FACTS_CODE, ""),
                data.get(BASIS_CODE, ""),
                _date(data.get(roles.get("valid_to", ""))),
                published_on=published_on,
                authority_name=record.authority_name,
                authority_uscc=record.authority_uscc,
                department_id=batch.department_id,
                source=Source.IMPORT,
                source_record_id=record.pk,
            )
        except ServiceError as exc:
            refused.append((record.batch_row, f"：{exc.message}"))
            continue
        if made:
            created += 1
        else:
            existing += 1
    if refused:
        raise EntriesRefused(refused)
    return {"created": created, "existing": existing}
