"""Running one batch: read → validate → stage → link → upsert, with progress.

Validation streams the file and commits staging rows in chunks (so progress is visible);
linking and upserting run in one transaction, so a batch is stored whole or not at all.
A job killed half-way leaves at most staging rows, which a re-run deletes first.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from credit.audit import services as audit
from credit.catalog import attributes
from credit.catalog import queries as catalog
from credit.collection import consumers, errors, liveness, readers, staging, storage
from credit.collection.errors import FileProblem, Problem
from credit.collection.models import Batch, BatchError, BatchState, Policy
from credit.collection.validation import RowCheck, RowValidator, map_header
from credit.core.actors import Actor
from credit.facts import RECORD, transitions
from credit.records import publicity, upsert
from credit.subjects import linking

log = logging.getLogger(__name__)

PROGRESS_EVERY = 5_000


class _Phases:
    """Wall time of each phase of a batch, logged at INFO (where an import spends time)."""

    def __init__(self, batch: Batch):
        self.batch = batch
        self.last = time.perf_counter()
        self.spent: list[str] = []

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.spent.append(f"{name} {now - self.last:.1f}s")
        self.last = now

    def log(self) -> None:
        log.info("batch %s: %s", self.batch.public_id, ", ".join(self.spent))


class _Problems(list):
    """A batch's problems: every one counted, the first `limit` kept in detail. A file with
    a million bad rows would otherwise store (and hold in memory) a million messages."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.total = 0

    @property
    def truncated(self) -> bool:
        return self.total > self.limit

    def add(self, found) -> None:
        for problem in found:
            self.total += 1
            if len(self) < self.limit:
                self.append(problem)


def max_errors() -> int:
    from django.conf import settings

    return settings.CREDIT_BATCH_MAX_ERRORS


def _truncated_message(batch: Batch, problems: _Problems) -> str:
    return (
        f"共发现 {problems.total:,} 个问题，超过可逐条保存的 "
        f"{problems.limit:,} 条，仅保存前 {problems.limit:,} 条明细，整批未入库；请修正后重新上传"
    )


def _reject_truncated(batch: Batch, problems: _Problems) -> Batch:
    staging.clear(batch.id)
    message = _truncated_message(batch, problems)
    _store_problems(batch, [*problems, Problem(errors.ERRORS_TRUNCATED, message)])
    return _finish(batch, BatchState.REJECTED, message)


class _Rollback(Exception):
    """Raised inside the load transaction to undo a validate-only run."""


def batch_actor(batch: Batch) -> Actor:
    if batch.created_by_id:
        return Actor.for_user(batch.created_by, request_id=f"batch:{batch.public_id}")
    if batch.created_by_client_id:
        return Actor.for_client(batch.created_by_client, request_id=f"batch:{batch.public_id}")
    return Actor.system(request_id=f"batch:{batch.public_id}")


def run(
    batch: Batch,
    table: readers.Table | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Batch:
    """Process a received batch to its final state. Never raises for bad data.

    The run holds the batch (collection.liveness) so that recovery knows it is alive; a
    batch that another process holds, or that is no longer waiting, is left alone (a
    second job for the same batch never overlaps the first)."""
    try:
        hold = liveness.claim(batch)
    except liveness.Busy:
        log.warning("batch %s is running in another process", batch.public_id)
        batch.refresh_from_db()
        return batch
    try:
        state = Batch.objects.filter(pk=batch.pk).values_list("state", flat=True).first()
        if state != BatchState.RECEIVED:
            log.warning("batch %s is %s, not run again", batch.public_id, state)
            batch.refresh_from_db()
            return batch
        return _run(batch, table, on_progress)
    finally:
        hold.release()


def _usable_connection(batch: Batch, exc: Exception) -> None:
    """After a failure caused by a dropped database connection, the final state is written
    on a new one (Django would otherwise keep failing on the dead connection), and the
    batch is marked so that the job queues it again: the file was not at fault."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        batch.connection_lost = True
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _run(batch: Batch, table, on_progress) -> Batch:
    batch._phases = _Phases(batch)
    staging.clear(batch.id)
    BatchError.objects.filter(batch=batch).delete()
    _set(
        batch,
        state=BatchState.VALIDATING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        total_rows=0,
        processed_rows=0,
        error_rows=0,
        new_rows=0,
        updated_rows=0,
        unchanged_rows=0,
        late_rows=0,
        message="",
    )
    try:
        if table is None:
            table = storage.open_table(batch)
        try:
            _set(batch, file_format=table.format, encoding=table.encoding)
            problems = _validate_and_stage(batch, table, on_progress)
        finally:
            table.close()
    except FileProblem as exc:
        _store_problems(batch, exc.problems)
        return _finish(
            batch,
            BatchState.REJECTED,
            "文件无法处理：" + "；".join(p.message for p in exc.problems[:5]),
        )
    except Exception as exc:
        log.exception("batch %s failed during validation", batch.public_id)
        _usable_connection(batch, exc)
        staging.clear(batch.id)
        return _finish(batch, BatchState.FAILED, "平台处理出错，批次未入库，可重新处理")

    if problems.truncated:
        return _reject_truncated(batch, problems)
    try:
        return _load(batch, problems)
    except Exception as exc:
        log.exception("batch %s failed during loading", batch.public_id)
        _usable_connection(batch, exc)
        staging.clear(batch.id)
        return _finish(batch, BatchState.FAILED, "平台入库出错，批次未入库，可重新处理")


def _validate_and_stage(batch, table, on_progress) -> _Problems:
    version = batch.dataset_version
    fields = catalog.fields_of(version)
    columns = map_header(table.header, fields, table.sheet)
    today = timezone.localdate()
    validator = RowValidator(fields, batch.department.uscc, today, _row_checks(batch, fields))
    stager = staging.RowStager(
        batch.id,
        fields,
        timezone.localtime(batch.received_at).date(),
        version.update_deadline_workdays,
        windows=publicity.RowWindows(version, today=today),
        on_time=consumers.on_time_check(batch.dataset.code, fields),
        key_fields=attributes.of_version(version).business_key,
    )
    writer = staging.StagingWriter()
    try:
        problems = _stage_rows(batch, table, on_progress, validator, stager, columns, writer)
    except BaseException:
        writer.abort()
        raise
    if problems.truncated:
        writer.abort()
        return problems
    writer.close()
    batch._phases.mark("read+validate+stage")
    problems.add(_duplicate_keys(batch))
    batch._phases.mark("duplicates")
    return problems


def _row_checks(batch: Batch, fields) -> list[RowCheck]:
    # Rules beyond the catalog's, from the apps consuming the dataset (collection.consumers).
    if not consumers.of(batch.dataset.code):
        return []
    return consumers.row_checks(batch.dataset.code, batch_actor(batch), fields)


def _stage_rows(batch, table, on_progress, validator, stager, columns, writer):
    problems = _Problems(max_errors())
    error_rows = total = 0
    for row_no, source in table.rows:
        total += 1
        result = validator.validate(row_no, source, columns, table.sheet)
        # Past the cap the batch is refused whole: rows are still counted, no longer staged.
        if not result.problems and not problems.truncated:
            staged = stager.build(result)
            if isinstance(staged, Problem):
                result.problems.append(staged)
            else:
                writer.add(staged)
        if result.problems:
            error_rows += 1
            problems.add(result.problems)
        if total % PROGRESS_EVERY == 0:
            writer.flush()
            _set(
                batch,
                total_rows=total,
                processed_rows=total,
                error_rows=error_rows,
                heartbeat_at=timezone.now(),
            )
            if on_progress:
                on_progress(total)
    if total == 0:
        raise FileProblem([Problem(errors.FILE_EMPTY, "文件中没有数据行", row=2)])
    _set(batch, total_rows=total, processed_rows=total, error_rows=error_rows)
    if on_progress:
        on_progress(total)
    return problems


def _duplicate_keys(batch):
    """The same decision twice in one file is ambiguous: every repeat is an error."""
    label = _role_label(batch, "document_number")
    # Yielded as the rows are read: a file of a million repeats is not held at once.
    for row, doc, first in staging.duplicate_keys(batch.id):
        yield Problem(
            errors.DUPLICATE_KEY,
            f"「{label}」{errors.shown(doc)} 与第 {first} 行重复：同一决定在文件中出现多次",
            row,
            label,
        )


def _role_label(batch, role: str) -> str:
    fields = catalog.fields_of(batch.dataset_version)
    label = next((f.label for f in fields if f.role == role), None)
    if label is None and role == "document_number":
        # No document number: the business key's fields besides the authority name it.
        key = attributes.of_version(batch.dataset_version).business_key
        labels = {f.code: f.label for f in fields if f.role != "authority_uscc"}
        label = "+".join(labels[c] for c in key if c in labels)
    return label or role


def _load(batch: Batch, problems: _Problems) -> Batch:
    now = timezone.now()
    _set(batch, state=BatchState.LOADING, heartbeat_at=now)
    label = _role_label(batch, "document_number")
    with transaction.atomic():
        conflicting = upsert.conflicts(batch.id, batch.dataset_id, batch.department_id)
    problems.add(
        Problem(
            errors.KEY_CONFLICT,
            f"「{label}」{errors.shown(doc)} 已由其他单位报送，不能覆盖其他单位的记录",
            row,
            label,
        )
        for row, doc in conflicting
    )
    if problems.truncated:
        return _reject_truncated(batch, problems)
    phases = batch._phases
    phases.mark("conflicts")
    bad_rows = sorted({p.row for p in problems if p.row is not None})
    _store_problems(batch, problems)
    _set(batch, error_rows=len(bad_rows))
    if problems and batch.policy == Policy.REJECT_ALL:
        staging.clear(batch.id)
        return _finish(
            batch,
            BatchState.REJECTED,
            f"{len(bad_rows)} 行有错误，按“有错误行则整批退回”策略整批未入库",
        )
    if bad_rows:
        _drop_rows(batch.id, bad_rows)
    counts: dict[str, int] = {}
    try:
        # One outbox event per kind of fact for the whole batch, in its load transaction,
        # naming the subjects touched (never one per row): what the consumers change
        # through facts.transitions (list entries, …) joins the batch's events.
        with transitions.batch(
            batch_actor(batch),
            batch.public_id,
            action=transitions.Action.IMPORTED,
            request_id=f"batch:{batch.public_id}",
            name_facts=False,
        ):
            link = linking.link_batch(batch.id, now, f"批次 {batch.public_id}", batch.dataset_id)
            phases.mark("link")
            # Publicity windows were computed while staging and are written by the upsert.
            counts = upsert.apply(batch, now)
            phases.mark("upsert")
            consumers.after_load(batch)
            if counts["new"] or counts["updated"]:
                transitions.imported(
                    batch_actor(batch), RECORD, batch.public_id, upsert.subjects_touched(batch.id)
                )
            if counts["updated"]:
                _corrected(batch)
            counts.update(
                subjects_created=link["created"],
                subjects_unverified=link["unverified"],
                subjects_name_mismatch=len(link["name_mismatches"]),
            )
            if batch.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except consumers.Refused as exc:
        # A consumer's row check refuses such rows while validating; this only happens when
        # what it checked changed since (a list type switched off, …).
        log.warning("batch %s: %s", batch.public_id, exc.message)
        staging.clear(batch.id)
        return _finish(batch, BatchState.FAILED, exc.message)
    phases.mark("commit")
    # Stored after the load (a dry run included): they describe rows that were, or would
    # be, written, so they are notes on those rows, not errors.
    _store_problems(batch, _name_warnings(batch, link["name_mismatches"]))
    staging.clear(batch.id)
    phases.mark("clear staging")
    phases.log()
    _set(
        batch,
        new_rows=counts["new"],
        updated_rows=counts["updated"],
        unchanged_rows=counts["unchanged"],
        late_rows=counts["late"],
    )
    if batch.dry_run:
        message = "仅校验：未写入任何数据"
    elif bad_rows:
        message = f"{len(bad_rows)} 行有错误未入库，其余行已入库"
    else:
        message = "全部入库"
    if link["name_mismatches"]:
        message += (
            f"；{len(link['name_mismatches'])} 行的主体名称与平台登记名称不一致"
            "（已提示，主体名称未修改，已提交信用办核对）"
        )
    final = _finish(batch, BatchState.DONE, message, extra=counts)
    return final


# Corrected records named per event, as the daily window job chunks its events.
CORRECTED_CHUNK = 2000


def _corrected(batch: Batch) -> None:
    """Each record whose content the batch changed is a corrected version of a decision the
    platform already held and may have shared: beside the batch's import event, the
    records get a `corrected` event naming them, so every consumer is told which facts
    changed. The change log already has a `record_updated` row per record with the changed
    fields; a correction entered for one record (console or API, `correction_note` set by
    collection.corrections) also gets its `record_corrected` row with the reason."""
    rows = upsert.corrected_records(batch.id)
    actor = batch_actor(batch)
    note = getattr(batch, "correction_note", "")
    for start in range(0, len(rows), CORRECTED_CHUNK):
        chunk = rows[start : start + CORRECTED_CHUNK]
        log = None
        if note and len(rows) == 1:
            record_id, _, _, version = chunk[0]
            log = transitions.ChangeLog(
                "record_corrected",
                "record",
                record_id,
                before={"version": version - 1},
                after={"version": version, "reason": note, "batch": str(batch.public_id)},
            )
        transitions.apply(
            actor,
            RECORD,
            transitions.Action.CORRECTED,
            fact_ids=[row[0] for row in chunk],
            subject_ids=sorted({sid for row in chunk for sid in row[1:3] if sid is not None}),
            log=log,
            request_id=f"batch:{batch.public_id}",
            batch_ref=batch.public_id,
            # Not folded into the batch's `imported` event: consumers of corrections (the
            # notices to whoever received the record) need the facts named.
            own_event=True,
        )


def _name_warnings(batch: Batch, mismatches) -> list[Problem]:
    label = _role_label(batch, "subject_name")
    return [
        Problem(
            errors.NAME_MISMATCH,
            f"提示：名称「{errors.shown(given)}」与平台登记的主体名称「{registered}」不一致，"
            "记录按报送的名称保存，主体名称未修改，已提交信用办核对",
            row,
            label,
        )
        for row, _subject, registered, given in mismatches
    ]


def _drop_rows(batch_id: int, rows: list[int]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(
                f"DELETE FROM collection_stagedrow WHERE batch_id = %s AND row_no IN "
                f"({', '.join(['%s'] * len(chunk))})",
                [batch_id, *chunk],
            )


def _store_problems(batch: Batch, problems: list[Problem]) -> None:
    BatchError.objects.bulk_create(
        (
            BatchError(
                batch=batch, row=p.row, column=p.column[:100], code=p.code, message=p.message
            )
            for p in problems
        ),
        batch_size=2000,
    )


def _set(batch: Batch, **values) -> None:
    for key, value in values.items():
        setattr(batch, key, value)
    Batch.objects.filter(pk=batch.pk).update(**values)


def _finish(batch: Batch, state: str, message: str, extra: dict | None = None) -> Batch:
    _set(batch, state=state, message=message, finished_at=timezone.now(), active_key=None)
    after = {
        "state": state,
        "total": batch.total_rows,
        "errors": batch.error_rows,
        "new": batch.new_rows,
        "updated": batch.updated_rows,
        "unchanged": batch.unchanged_rows,
        "late": batch.late_rows,
        "dry_run": batch.dry_run,
    }
    if extra:
        after.update({k: v for k, v in extra.items() if k.startswith("subjects_")})
    audit.log_change(batch_actor(batch), "batch_finished", "batch", batch.public_id, after=after)
    return batch


def received_date(batch: Batch) -> dt.date:
    return timezone.localtime(batch.received_at).date()
