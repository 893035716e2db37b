"""Batches: one upload of one dataset by one department, processed as a background job."""

import uuid

from django.db import models


class BatchState(models.TextChoices):
    RECEIVED = "received", "已接收"
    VALIDATING = "validating", "校验中"
    LOADING = "loading", "入库中"
    DONE = "done", "已完成"
    REJECTED = "rejected", "已退回"
    FAILED = "failed", "处理失败"


class Policy(models.TextChoices):
    REJECT_ALL = "reject_all", "有错误行则整批退回"
    REJECT_FAILED_ROWS = "reject_failed_rows", "仅退回错误行"


class Source(models.TextChoices):
    UPLOAD = "upload", "页面上传"
    API_FILE = "api_file", "接口上传文件"
    API_JSON = "api_json", "接口推送"
    CLI = "cli", "命令行导入"


class Batch(models.Model):
    """A collection batch and its state machine received → validating → loading → done.

    `rejected` means the data was refused (bad rows under reject_all, or an unusable
    file) and nothing was stored; `failed` means the platform itself failed and the batch
    can be re-run.
    """

    public_id = models.UUIDField("批次编号", default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name="信息事项", on_delete=models.PROTECT
    )
    dataset_version = models.ForeignKey(
        "catalog.DatasetVersion", verbose_name="事项版本", on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name="报送单位", on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="上传用户", null=True, blank=True, on_delete=models.PROTECT
    )
    created_by_client = models.ForeignKey(
        "accounts.ApiClient",
        verbose_name="调用系统",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    filename = models.CharField("文件名", max_length=255, blank=True)
    file = models.CharField("存储路径", max_length=500, blank=True)
    file_format = models.CharField("文件格式", max_length=10, blank=True)
    encoding = models.CharField("文件编码", max_length=20, blank=True)
    policy = models.CharField(
        "处理策略", max_length=20, choices=Policy.choices, default=Policy.REJECT_ALL
    )
    dry_run = models.BooleanField("仅校验", default=False)
    state = models.CharField(
        "状态",
        max_length=20,
        choices=BatchState.choices,
        default=BatchState.RECEIVED,
        db_index=True,
    )
    message = models.TextField("说明", blank=True)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    error_rows = models.PositiveIntegerField("错误行数", default=0)
    new_rows = models.PositiveIntegerField("新增", default=0)
    updated_rows = models.PositiveIntegerField("更新", default=0)
    unchanged_rows = models.PositiveIntegerField("未变", default=0)
    late_rows = models.PositiveIntegerField("超期", default=0)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    started_at = models.DateTimeField("开始处理", null=True, blank=True)
    finished_at = models.DateTimeField("处理完成", null=True, blank=True)
    job_id = models.CharField("任务标识", max_length=64, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    # Set while a batch is active so the database refuses a second one for the same
    # (department, dataset); cleared when the batch ends.
    active_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # Liveness of the run (collection.liveness): how many times a worker started it (a batch
    # whose run died is not restarted automatically past CREDIT_BATCH_MAX_ATTEMPTS, so a
    # poison file cannot crash every worker in turn), which process runs it, and its
    # PostgreSQL backend (so recovery can cancel what a killed worker left running).
    attempts = models.PositiveSmallIntegerField("处理次数", default=0)
    worker = models.CharField("处理进程", max_length=100, blank=True)
    db_backend_pid = models.IntegerField("数据库会话", null=True, blank=True)

    class Meta:
        verbose_name = "归集批次"
        verbose_name_plural = "归集批次"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"批次 {self.public_id}"


class BatchError(models.Model):
    """One problem found in a batch: where (sheet, row, column) and what (code, message)."""

    batch = models.ForeignKey(
        Batch, verbose_name="批次", related_name="errors", on_delete=models.CASCADE
    )
    row = models.PositiveIntegerField("行号", null=True)  # as in the source file; None = file
    column = models.CharField("列", max_length=100, blank=True)
    code = models.CharField("错误代码", max_length=50)
    message = models.TextField("说明")

    class Meta:
        verbose_name = "批次错误"
        verbose_name_plural = "批次错误"
        ordering = ["batch", "row", "id"]
        indexes = [models.Index(fields=["batch", "row"], name="batcherror_batch_row")]


class StagedJSON(models.TextField):
    """A staged row's JSON, written as text: jsonb on PostgreSQL, so the COPY parses it while
    the file is still being read (instead of the record insert after the whole file),
    text elsewhere. Read only by `records.upsert`, which casts it to jsonb."""

    def db_type(self, connection):
        return "jsonb" if connection.vendor == "postgresql" else super().db_type(connection)


class StagedRow(models.Model):
    """A validated row waiting to be linked and upserted (the staging table).

    Filled by COPY (PostgreSQL) or executemany (SQLite) while the file streams, then
    processed set-based in one transaction and deleted. Rows left by a crashed job are
    deleted when the batch is re-run.
    """

    # No index: staging holds a batch or two at a time and every statement reads a whole
    # batch, so an index would only slow the COPY and the updates down.
    batch_id = models.BigIntegerField()
    row_no = models.PositiveIntegerField()
    subject_kind = models.CharField(max_length=20)
    subject_name = models.CharField(max_length=200)
    name_norm = models.CharField(max_length=200)
    uscc = models.CharField(max_length=18, null=True)
    org_code = models.CharField(max_length=10)
    id_digest = models.CharField(max_length=64, null=True)
    id_cipher = models.TextField()
    legal_rep = models.CharField(max_length=100)
    region_code = models.CharField(max_length=6)
    new_public_id = models.CharField(max_length=22)
    authority_uscc = models.CharField(max_length=18)
    authority_name = models.CharField(max_length=200)
    doc_number = models.CharField(max_length=128)
    doc_key = models.CharField(max_length=128)
    decision_date = models.DateField()
    severity = models.CharField(max_length=4)
    data = StagedJSON()
    content_hash = models.CharField(max_length=32)
    workdays = models.IntegerField(null=True)
    is_late = models.BooleanField()
    # The record's publicity window, computed while staging (records.publicity).
    public_from = models.DateField(null=True)
    public_until = models.DateField(null=True)
    visibility = models.CharField(max_length=16, default="")

    class Meta:
        verbose_name = "暂存行"
        verbose_name_plural = "暂存行"


STAGED_COLUMNS = (
    "batch_id",
    "row_no",
    "subject_kind",
    "subject_name",
    "name_norm",
    "uscc",
    "org_code",
    "id_digest",
    "id_cipher",
    "legal_rep",
    "region_code",
    "new_public_id",
    "authority_uscc",
    "authority_name",
    "doc_number",
    "doc_key",
    "decision_date",
    "severity",
    "data",
    "content_hash",
    "workdays",
    "is_late",
    "public_from",
    "public_until",
    "visibility",
)


class WorkerProcess(models.Model):
    """A running background worker, seen at an interval: tells the department and the office
    that queued batches wait for a worker which is not there."""

    name = models.CharField("进程", max_length=100, unique=True)
    started_at = models.DateTimeField("启动时间", auto_now_add=True)
    seen_at = models.DateTimeField("最近心跳", db_index=True)

    class Meta:
        verbose_name = "后台处理进程"
        verbose_name_plural = "后台处理进程"

    def __str__(self) -> str:
        return self.name
