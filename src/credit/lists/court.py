"""Court rulings on dishonest judgment debtors (dataset court_dishonest) entered on the
失信被执行人 list.

Registered as the dataset's consumer (`collection.consumers`, from `ListsConfig.ready`),
like list decisions (`lists.ingest`), whose refusal rules it shares:

- `row_check`: a row is refused before anything is stored when the list is switched off
  or the sending actor may not enter it (the list has no city department: the credit
  office enters what the courts publish), unless the list already holds its case.
- `entries_from_batch` (inside the batch's load transaction): each record becomes a
  decided and published entry, keyed by its case number (案号), so re-importing a file, or
  a later version of a row, leaves the one entry as it is; the record keeps each version.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from credit.audit.services import log_change
from credit.collection.pipeline import batch_actor
from credit.core.actors import Actor
from credit.core.errors import ServiceError
from credit.lists import queries, services
from credit.lists.ingest import LIST_NOT_ALLOWED, UNKNOWN_LIST_TYPE, EntriesRefused, _not_allowed
from credit.lists.models import ListType, Source
from credit.records.models import Record

DATASET_CODE = "court_dishonest"
LIST_TYPE_CODE = "court_dishonest"
# Columns without a core role, by exchange code in definitions/court_dishonest.yaml.
BASIS_NUMBER = "SX_ZXYJWH"  # 执行依据文号
BASIS_ISSUER = "SX_ZCZXYJDW"  # 作出执行依据单位
DUTY = "SX_YW"  # 生效法律文书确定的义务
PERFORMANCE = "SX_LXQK"  # 被执行人的履行情况
CONDUCT = "SX_SXQX"  # 失信被执行人行为具体情形


def _list_type(active_only: bool = True) -> ListType | None:
    found = ListType.objects.filter(code=LIST_TYPE_CODE)
    if active_only:
        found = found.filter(active=True)
    return found.first()


def facts_of(data: dict) -> str:
    """The entry's 认定事实: the debtor's conduct, performance and duty, as published."""
    parts = [
        str(data.get(CONDUCT) or "").strip(),
        f"履行情况：{data[PERFORMANCE]}" if data.get(PERFORMANCE) else "",
        f"生效法律文书确定的义务：{data[DUTY]}" if data.get(DUTY) else "",
    ]
    return "；".join(p for p in parts if p)


def basis_of(data: dict) -> str:
    """The entry's 认定依据: the enforcement title (执行依据) and who issued it."""
    number = str(data.get(BASIS_NUMBER) or "").strip()
    issuer = str(data.get(BASIS_ISSUER) or "").strip()
    title = f"执行依据：{issuer}{number}" if number or issuer else ""
    return "；".join(
        p for p in (title, "《最高人民法院关于公布失信被执行人名单信息的若干规定》") if p
    )


class _RowCheck:
    """The court_dishonest row check of one batch (collection.validation.RowCheck)."""

    def __init__(self, actor: Actor, fields):
        roles = {f.role: f.code for f in fields if f.role}
        self.number_code = roles["document_number"]
        self.source_code = roles.get("source_name") or self.number_code
        self.list_type = _list_type()
        self.known = self.list_type or _list_type(active_only=False)
        self.allowed = self.list_type is not None and services.can_act(
            actor, self.list_type.department_id
        )

    def __call__(self, values: dict[str, str]) -> Iterator[tuple[str, str, str]]:
        if self.allowed:
            return
        number = values.get(self.number_code, "")
        if self.known is not None and number and queries.decision_entered(self.known.pk, number):
            return  # already on the list: re-sending it stays a no-op
        if self.list_type is None:
            yield self.number_code, UNKNOWN_LIST_TYPE, "名单类型“失信被执行人”不存在或已停用"
        else:
            yield self.source_code, LIST_NOT_ALLOWED, _not_allowed(self.list_type)


def row_check(actor: Actor, fields) -> _RowCheck:
    return _RowCheck(actor, fields)


def entries_from_batch(batch) -> dict:
    """Enter the court's rulings this batch wrote on the 失信被执行人 list; returns counts."""
    actor = batch_actor(batch)
    list_type = _list_type()
    known = list_type or _list_type(active_only=False)
    published_on = timezone.localtime(batch.received_at).date()
    created = existing = 0
    refused: list[tuple[int, str]] = []
    records = Record.objects.filter(batch=batch).select_related("subject").order_by("batch_row")
    for record in records:
        if list_type is None:
            if known is not None and queries.decision_entered(known.pk, record.doc_number):
                existing += 1
            else:
                refused.append((record.batch_row, "：名单类型“失信被执行人”不存在或已停用"))
            continue
        try:
            _, made = services.enter_decided(
                actor,
                list_type,
                record.subject,
                record.doc_number,
                record.decision_date,
                facts_of(record.data),
                basis_of(record.data),
                None,  # the court ends the listing; the list type has no default period
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
    summary = {"created": created, "existing": existing}
    log_change(actor, "list_entry.import", "Batch", batch.public_id, after=summary)
    return summary
