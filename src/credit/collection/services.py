"""Every write of the collection app: receiving batches, running them, reports."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
from pathlib import Path

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from credit.accounts import permissions
from credit.audit import services as audit
from credit.catalog import queries as catalog
from credit.collection import error_rows, liveness, pipeline, readers, reports, storage
from credit.collection.models import Batch, BatchState, Policy, Source
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError

log = logging.getLogger(__name__)

MAX_JSON_ITEMS = 5_000
_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def _check_department(actor: Actor, department) -> None:
    permissions.require_upload(actor, department)


def _batch_dir(batch: Batch) -> Path:
    return storage.batch_dir(batch)


INTERRUPTED = "处理进程中断，批次未入库，可重新处理"
CRASHED = (
    "处理该文件时后台处理进程异常退出（已处理 {attempts} 次），批次未入库。为免同一文件反复"
    "导致处理中断，平台不再自动重试：请检查文件（行数、大小、内容）后重新上传，"
    "如仍失败请联系信用办"
)
# A batch whose run failed because the database connection was lost (the worker itself
# lived on) is not the file's fault: it is queued again this many times.
CONNECTION_RETRIES = 2


def release_stale(department_id: int, dataset_id: int) -> None:
    """A batch whose worker is known dead no longer blocks new uploads."""
    recover_interrupted(
        Actor.system(label="批次恢复"),
        Batch.objects.filter(department_id=department_id, dataset_id=dataset_id),
    )


def recover_interrupted(
    actor: Actor,
    batches=None,
    older_than: dt.timedelta = dt.timedelta(0),
    rerun_them: bool = False,
) -> list[Batch]:
    """Batches whose worker died mid-run: mark them failed (nothing was stored) and
    optionally queue them again. A batch counts as dead only when no live process holds it
    (collection.liveness), never by age alone; `older_than` only adds patience.

    A batch already started CREDIT_BATCH_MAX_ATTEMPTS times is not queued again: a file that
    kills its worker would otherwise kill every worker that picks it up. It fails with a
    reason the department sees, and the department can upload again."""
    limit = timezone.now() - older_than
    found = []
    running = (BatchState.VALIDATING, BatchState.LOADING)
    for batch in (batches if batches is not None else Batch.objects.all()).filter(
        state__in=running
    ):
        if (batch.heartbeat_at or batch.received_at) > limit or liveness.is_running(batch):
            continue
        crashed = batch.attempts >= settings.CREDIT_BATCH_MAX_ATTEMPTS
        # Several workers may recover at once: only the one that moves the state acts.
        if not Batch.objects.filter(pk=batch.pk, state=batch.state, worker=batch.worker).update(
            state=BatchState.FAILED
        ):
            continue
        pipeline.staging.clear(batch.id)
        message = CRASHED.format(attempts=batch.attempts) if crashed else INTERRUPTED
        pipeline._finish(batch, BatchState.FAILED, message)
        log.warning("batch %s: worker %s died; %s", batch.public_id, batch.worker, message)
        # A batch whose source file is gone cannot run again: it stays failed.
        again = rerun_them and not crashed and storage.source_kept(batch)
        found.append(rerun(actor, batch) if again else batch)
    return found


def _create(actor: Actor, *, dataset_code, department, filename, policy, dry_run, source) -> Batch:
    _check_department(actor, department)
    if policy not in Policy.values:
        raise ServiceError("bad_policy", f"未知的处理策略：{policy}")
    version = catalog.current_version(dataset_code)
    release_stale(department.id, version.dataset_id)
    try:
        with transaction.atomic():
            return Batch.objects.create(
                dataset_id=version.dataset_id,
                dataset_version=version,
                department=department,
                created_by=actor.user,
                created_by_client=actor.client,
                source=source,
                filename=filename[:255],
                policy=policy,
                dry_run=dry_run,
                active_key=f"{department.id}:{version.dataset_id}",
            )
    except IntegrityError as exc:
        raise ServiceError(
            "batch_active",
            "本单位该信息事项已有批次正在处理，请等待其完成后再上传",
            status=409,
        ) from exc


def submit_file(
    actor: Actor,
    *,
    dataset_code: str,
    department,
    fileobj,
    filename: str,
    policy: str = Policy.REJECT_ALL,
    dry_run: bool = False,
    source: str = Source.UPLOAD,
    run_now: bool = False,
    on_progress=None,
    received_at: dt.datetime | None = None,
) -> Batch:
    """Store an uploaded file as a new batch and queue it (or run it now).

    `received_at` backdates the receipt when migrating historical data from the old
    platform (timeliness counts from when the department really sent it); only the
    system itself may set it, never a user or an API client.
    """
    if received_at is not None and (actor.user is not None or actor.client is not None):
        raise PermissionDenied("只有系统迁移任务可以指定接收时间")
    batch = _create(
        actor,
        dataset_code=dataset_code,
        department=department,
        filename=filename,
        policy=policy,
        dry_run=dry_run,
        source=source,
    )
    if received_at is not None:
        batch.received_at = received_at
        Batch.objects.filter(pk=batch.pk).update(received_at=received_at)
    # Encrypted at rest: the file carries persons' ID numbers (see storage.py).
    target = storage.store(batch, fileobj, _SAFE_NAME.sub("_", Path(filename).name) or "upload")
    batch.file = str(target)
    Batch.objects.filter(pk=batch.pk).update(file=batch.file)
    audit.log_change(
        actor,
        "batch_received",
        "batch",
        batch.public_id,
        after={
            "dataset": dataset_code,
            "file": batch.filename,
            "policy": policy,
            "dry_run": dry_run,
            "department": department.name,
        },
    )
    if run_now:
        return process_now(batch, on_progress=on_progress)
    _enqueue(batch)
    return batch


def submit_rows(
    actor: Actor,
    *,
    dataset_code: str,
    department,
    items: list[dict],
    policy: str = Policy.REJECT_ALL,
    dry_run: bool = False,
    correction_note: str = "",
) -> Batch:
    """A JSON push: stored like a file (for the report), processed synchronously.

    `correction_note` is the reason of a correction of one record (collection.corrections):
    the load writes it to the change log with the record's `corrected` event."""
    if not isinstance(items, list) or not items:
        raise ServiceError("empty", "请求中没有记录")
    if len(items) > MAX_JSON_ITEMS:
        raise ServiceError("too_many", f"单次推送最多 {MAX_JSON_ITEMS} 条记录，请分批推送")
    if not all(isinstance(item, dict) for item in items):
        raise ServiceError("bad_item", "每条记录必须是以字段名为键的 JSON 对象")
    batch = _create(
        actor,
        dataset_code=dataset_code,
        department=department,
        filename="records.json",
        policy=policy,
        dry_run=dry_run,
        source=Source.API_JSON,
    )
    target = storage.store(batch, orjson.dumps(items), "records.json")
    Batch.objects.filter(pk=batch.pk).update(file=str(target), file_format="json")
    batch.file, batch.file_format = str(target), "json"
    audit.log_change(
        actor,
        "batch_received",
        "batch",
        batch.public_id,
        after={
            "dataset": dataset_code,
            "items": len(items),
            "policy": policy,
            "dry_run": dry_run,
            "department": department.name,
        },
    )
    batch.correction_note = correction_note
    return pipeline.run(batch, readers.open_json_rows(items))


def _enqueue(batch: Batch) -> None:
    from credit.collection.tasks import process_batch

    result = process_batch.enqueue(batch.pk)
    Batch.objects.filter(pk=batch.pk, job_id="").update(job_id=str(result.id))


def _for_run(batch_id: int) -> Batch:
    """A batch with what the pipeline reads of it, in one query."""
    return Batch.objects.select_related(
        "dataset_version", "department", "created_by", "created_by_client"
    ).get(pk=batch_id)


def process(batch_id: int) -> str:
    """Job body: run a received (or re-run a failed) batch."""
    batch = _for_run(batch_id)
    if batch.state != BatchState.RECEIVED:
        return batch.state
    pipeline.run(batch)
    lost = getattr(batch, "connection_lost", False)
    if batch.state == BatchState.FAILED and lost and batch.attempts <= CONNECTION_RETRIES:
        rerun(Actor.system(label="批次恢复"), batch)
        return batch.state
    if batch.state not in (BatchState.RECEIVED, BatchState.VALIDATING, BatchState.LOADING):
        _enqueue_reports(batch)
    return batch.state


def process_now(batch: Batch, on_progress=None) -> Batch:
    return pipeline.run(_for_run(batch.pk), on_progress=on_progress)


def rerun(actor: Actor, batch: Batch) -> Batch:
    """Re-run a batch that failed (platform error or a killed job)."""
    _check_department(actor, batch.department)
    release_stale(batch.department_id, batch.dataset_id)
    batch.refresh_from_db()
    if batch.state != BatchState.FAILED:
        raise ServiceError("not_failed", "只有处理失败的批次可以重新处理")
    if not storage.source_kept(batch):
        raise ServiceError("source_gone", storage.GONE_MESSAGE + "，无法重新处理，请重新上传")
    try:
        # Conditional, so that two recoveries of one batch queue it once.
        moved = Batch.objects.filter(pk=batch.pk, state=BatchState.FAILED).update(
            state=BatchState.RECEIVED,
            active_key=f"{batch.department_id}:{batch.dataset_id}",
            message="",
            job_id="",
            # A person asking again gives the file a fresh start; recovery does not.
            **({} if actor.user is None and actor.client is None else {"attempts": 0}),
        )
    except IntegrityError as exc:
        raise ServiceError("batch_active", "本单位该信息事项已有批次正在处理", status=409) from exc
    if not moved:
        raise ServiceError("not_failed", "只有处理失败的批次可以重新处理")
    audit.log_change(actor, "batch_rerun", "batch", batch.public_id)
    batch.refresh_from_db()
    _enqueue(batch)
    return batch


def _enqueue_reports(batch: Batch) -> None:
    from credit.collection.tasks import prepare_reports

    prepare_reports.enqueue(batch.pk)


def report_path(batch: Batch, fmt: str) -> Path:
    return _batch_dir(batch) / f"report.{fmt}"


def prepare_reports(batch_id: int) -> None:
    batch = Batch.objects.select_related("dataset_version").get(pk=batch_id)
    for fmt in ("xlsx", "csv"):
        build_report(Actor.system(), batch, fmt)


def _personal_marker(batch: Batch, fmt: str) -> Path:
    """Present next to a report that holds personal data (written with the report)."""
    return _batch_dir(batch) / f"report.{fmt}.personal"


def _layout_marker(batch: Batch, fmt: str) -> Path:
    """Present next to a report built with the current layout (行号, personal marker)."""
    return _batch_dir(batch) / f"report.{fmt}.v2"


def build_report(actor: Actor, batch: Batch, fmt: str) -> Path:
    """The report file of a finished batch, built once and kept."""
    if fmt not in ("xlsx", "csv"):
        raise ServiceError("bad_format", "报告格式只能是 xlsx 或 csv")
    if batch.state in (BatchState.RECEIVED, BatchState.VALIDATING, BatchState.LOADING):
        raise ServiceError("not_finished", "批次尚未处理完成，暂无处理报告", status=409)
    path = report_path(batch, fmt)
    try:
        fresh = path.stat().st_mtime >= batch.finished_at.timestamp()
    except FileNotFoundError:
        fresh = False
    # A report from before 行号 is rebuilt while the source is kept; once the source is
    # purged it is the only copy of the rows and stays as it is.
    if fresh and not _layout_marker(batch, fmt).exists() and storage.source_kept(batch):
        fresh = False
    if not fresh:
        # Two requests (or a request and the prepare_reports job) may build the same report
        # at once: each writes a temporary file of its own in the same directory and
        # renames it into place atomically, so a reader sees the old file or a whole new
        # one, never a file another builder is still writing or has just moved away.
        # mkstemp creates it 0600: reports hold non-public data and stay owner-only.
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".report-{fmt}-", suffix=".part", dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        try:
            personal = reports.write_report(batch, fmt, tmp)
            # The marker first: a report is never in place without saying it is personal.
            marker = _personal_marker(batch, fmt)
            if personal:
                marker.touch(mode=0o600)
            os.replace(tmp, path)
            if not personal:
                marker.unlink(missing_ok=True)
            _layout_marker(batch, fmt).touch(mode=0o600)
        finally:
            tmp.unlink(missing_ok=True)
    return path


def report_has_personal_data(batch: Batch, fmt: str) -> bool:
    """Whether the built report holds personal data; a report from before the marker
    existed counts as holding it."""
    return _personal_marker(batch, fmt).exists() or not _layout_marker(batch, fmt).exists()


def download_report(actor: Actor, batch: Batch, fmt: str) -> Path:
    """The report for a person or system to download: access-logged when it holds
    personal data (ID numbers masked, names of persons in clear)."""
    if not permissions.can_read_batch(actor, batch):
        raise PermissionDenied("只能查看本单位的批次")
    path = build_report(actor, batch, fmt)
    if report_has_personal_data(batch, fmt):
        audit.log_access(
            actor,
            resource=REPORT_RESOURCE,
            purpose=f"下载批次处理报告（{fmt.upper()}）",
            subject_label=_batch_label(batch),
        )
    return path


REPORT_RESOURCE = "collection.report"
ERROR_ROWS_RESOURCE = "collection.error_rows"


def _batch_label(batch: Batch) -> str:
    return f"批次 {batch.public_id}（{batch.department.name}）"


def error_rows_file(actor: Actor, batch: Batch):
    """The error-rows file (collection.error_rows) as an open file and its download name.

    The file is built in the private temporary folder and unlinked once open: it holds ID
    numbers in clear and is never kept. Every download is access-logged."""
    permissions.require_download_error_rows(actor, batch)
    if batch.state in (BatchState.RECEIVED, BatchState.VALIDATING, BatchState.LOADING):
        raise ServiceError("not_finished", "批次尚未处理完成", status=409)
    if storage.is_json(batch):
        raise ServiceError(
            "not_a_file",
            "JSON 推送的批次没有错误行重新上报文件：请按接口返回的逐条结果修正后重新推送",
            status=409,
        )
    rows = error_rows.error_rows(batch)
    path, count = error_rows.write(batch, rows, storage.temp_dir())
    try:
        handle = open(path, "rb")  # noqa: SIM115 - handed to the response, which closes it
    finally:
        path.unlink(missing_ok=True)
    audit.log_access(
        actor,
        resource=ERROR_ROWS_RESOURCE,
        purpose=f"下载错误行重新上报文件（{count} 行，含完整证件号码），修正后重新上报",
        subject_label=_batch_label(batch),
    )
    return handle, error_rows.filename(batch)


def report_filename(batch: Batch, fmt: str) -> str:
    stamp = timezone.localtime(batch.received_at).strftime("%Y%m%d%H%M")
    return f"{batch.dataset_version.name}_处理报告_{stamp}.{fmt}"
