"""Stored credit records and their history."""

from django.db import models


class Severity(models.TextChoices):
    MINOR = "轻微", "轻微"
    GENERAL = "一般", "一般"
    SERIOUS = "严重", "严重"


class Visibility(models.TextChoices):
    PUBLIC = "public", "公示中"
    PENDING = "pending", "未到公示期"
    ENDED = "ended", "公示期满"
    WITHDRAWN = "withdrawn", "已撤回"
    NOT_PUBLISHED = "not_published", "不予公示"
    # Publication and sharing stopped by a credit repair decision (信用修复); the record
    # stays in the archive, and no window recomputation or re-import brings it back.
    REPAIRED = "repaired", "已信用修复"


class Record(models.Model):
    """The current version of one credit record (a licence, a penalty, …).

    The business key is (dataset, authority USCC, normalised document number); importing
    the same decision again updates this row only when its content changed, and the
    previous content moves to RecordHistory first.
    """

    # dataset, dataset_version, department, created_batch and batch are the same on every
    # row of a batch and written by the pipeline from one Batch row, so the database does
    # not check them: PostgreSQL would check each of them per inserted row at COMMIT (a
    # third of a 1M-row import). Their single-column indexes are left out too: the
    # composite indexes below serve every query (business key, department + dataset,
    # batch + row), and each extra index is maintained on every insert.
    dataset = models.ForeignKey(
        "catalog.Dataset",
        verbose_name="信息事项",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
    )
    dataset_version = models.ForeignKey(
        "catalog.DatasetVersion",
        verbose_name="事项版本",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="数据来源单位",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
    )
    # No index of its own: record_subject_dataset (subject, dataset) leads with it and
    # answers every lookup by subject; a second one only cost each insert (issue 12).
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        related_name="records",
        on_delete=models.PROTECT,
        db_index=False,
    )
    authority_uscc = models.CharField("决定机关代码", max_length=18)
    authority_name = models.CharField("决定机关", max_length=200, blank=True)
    doc_number = models.CharField("决定文书号", max_length=128)
    doc_key = models.CharField("规范化文书号", max_length=128)
    decision_date = models.DateField("决定日期", db_index=True)
    severity = models.CharField("失信严重程度", max_length=4, choices=Severity.choices, blank=True)
    # Every field of the row by exchange code; personal ID numbers are stored encrypted.
    data = models.JSONField("记录内容")
    content_hash = models.CharField("内容摘要", max_length=32)
    version_no = models.PositiveIntegerField("版本", default=1)
    received_at = models.DateTimeField("接收时间")
    workdays_to_receipt = models.IntegerField("报送工作日", null=True)
    is_late = models.BooleanField("超期报送", default=False)
    created_batch = models.ForeignKey(
        "collection.Batch",
        verbose_name="首次入库批次",
        related_name="+",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
    )
    batch = models.ForeignKey(
        "collection.Batch",
        verbose_name="最近写入批次",
        related_name="+",
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
    )
    batch_row = models.PositiveIntegerField("批次行号", null=True)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")
    # Publicity columns. The import pipeline inserts records with raw SQL that does not
    # name these columns, so each NOT NULL one needs a database default.
    publish_minor = models.BooleanField("轻微失信经认定需公示", default=False, db_default=False)
    public_from = models.DateField("公示起始日", null=True, blank=True)
    # Inclusive last public day; NULL with a start date means no end (长期, 2099/12/31).
    public_until = models.DateField("公示截止日", null=True, blank=True)
    visibility = models.CharField(
        "公示状态",
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.NOT_PUBLISHED,
        db_default=Visibility.NOT_PUBLISHED,
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_reason = models.TextField("撤回原因", blank=True, default="", db_default="")
    withdrawn_by = models.CharField("撤回人", max_length=150, blank=True, default="", db_default="")
    repaired_at = models.DateTimeField("信用修复时间", null=True, blank=True)

    class Meta:
        verbose_name = "信用记录"
        verbose_name_plural = "信用记录"
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "authority_uscc", "doc_key"], name="uniq_record_business_key"
            )
        ]
        indexes = [
            models.Index(fields=["subject", "dataset"], name="record_subject_dataset"),
            models.Index(fields=["department", "dataset"], name="record_dept_dataset"),
            # The 双公示 lists and the home page's latest decisions: newest first, with the
            # id as tie-breaker so that ORDER BY decision_date DESC, id DESC LIMIT n walks
            # the index and stops after n rows instead of sorting every public record.
            models.Index(
                fields=["dataset", "visibility", "-decision_date", "-id"],
                name="record_public_list",
            ),
            models.Index(fields=["visibility", "public_until"], name="record_window_end"),
            # Records a batch wrote, in file order (reports, list ingest, publicity refresh).
            models.Index(fields=["batch", "batch_row"], name="record_batch_row"),
        ]

    def __str__(self) -> str:
        return self.doc_number


class RecordHistory(models.Model):
    """A superseded version of a record, kept whole when a newer version replaced it."""

    record = models.ForeignKey(
        Record, verbose_name="信用记录", related_name="history", on_delete=models.PROTECT
    )
    version_no = models.PositiveIntegerField("版本")
    dataset_version = models.ForeignKey(
        "catalog.DatasetVersion", verbose_name="事项版本", on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT
    )
    decision_date = models.DateField("决定日期")
    severity = models.CharField("失信严重程度", max_length=4, blank=True)
    data = models.JSONField("记录内容")
    content_hash = models.CharField("内容摘要", max_length=32)
    batch = models.ForeignKey("collection.Batch", verbose_name="写入批次", on_delete=models.PROTECT)
    superseded_at = models.DateTimeField("被替换时间")
    superseded_by_batch = models.ForeignKey(
        "collection.Batch", verbose_name="替换批次", related_name="+", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "记录历史版本"
        verbose_name_plural = "记录历史版本"
        constraints = [
            models.UniqueConstraint(fields=["record", "version_no"], name="uniq_record_history")
        ]


class RecordVisibilityChange(models.Model):
    """One change of a record's publicity state, kept forever as its publication history.

    A new record's first state is not written here: the record's creating batch already
    says where it came from, and one row per imported record would double import cost.
    """

    record = models.ForeignKey(
        Record, verbose_name="信用记录", related_name="visibility_changes", on_delete=models.PROTECT
    )
    from_state = models.CharField("原状态", max_length=16, choices=Visibility.choices)
    to_state = models.CharField("新状态", max_length=16, choices=Visibility.choices)
    at = models.DateTimeField("时间", db_index=True)
    reason = models.TextField("原因", blank=True)
    actor_label = models.CharField("操作人", max_length=150)
    job_id = models.CharField("任务标识", max_length=100, blank=True)

    class Meta:
        verbose_name = "公示状态变更"
        verbose_name_plural = "公示状态变更"
        ordering = ["-at", "-id"]


class RulePublish(models.TextChoices):
    YES = "yes", "公示"
    NO = "no", "不予公示"
    IF_MARKED = "if_marked", "经部门认定确有必要的公示"
    WHILE_VALID = "while_valid", "有效期内公示"


class PublicityRule(models.Model):
    """One row of the publicity rule table (domain.md §4), edited by the credit office.

    Periods are whole calendar months counted from the decision date (12 = one year): the
    last public day is the same day of the month that many months later, or the month's
    last day when there is none (民法典 第二百零一、二百零二条). A row is either a severity
    row (penalty_type empty) or a per-penalty-type row, which applies to every decision
    that includes that type; the longest maximum of all applicable rows wins.
    """

    rule_key = models.CharField(
        "公示规则",
        max_length=50,
        help_text="与事项版本的“公示规则”一致，如 penalty_severity、licence_validity",
    )
    severity = models.CharField("失信严重程度", max_length=4, choices=Severity.choices, blank=True)
    penalty_type = models.CharField(
        "处罚类别",
        max_length=100,
        blank=True,
        help_text="填写时本行按处罚类别适用（多种处罚并处取最长公示期）；留空按严重程度适用",
    )
    publish = models.CharField("是否公示", max_length=12, choices=RulePublish.choices)
    min_months = models.PositiveIntegerField("最短公示期（月）", null=True, blank=True)
    max_months = models.PositiveIntegerField("最长公示期（月）", null=True, blank=True)
    law_reference = models.TextField("依据", blank=True)
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "公示期限规则"
        verbose_name_plural = "公示期限规则"
        ordering = ["rule_key", "penalty_type", "severity"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_key", "severity", "penalty_type"], name="uniq_publicity_rule"
            )
        ]

    def __str__(self) -> str:
        what = self.penalty_type or self.severity or "全部"
        return f"{self.rule_key}：{what}"


class WithdrawalBasis(models.TextChoices):
    """What decided that a published record is taken off publicity (domain.md §3)."""

    REVIEW = "review", "复议决定"
    JUDGMENT = "judgment", "诉讼判决"
    REVOCATION = "revocation", "撤销决定"
    ERROR = "error", "错误公示"


class RecordWithdrawal(models.Model):
    """The document behind a record's withdrawal, kept with the record in the archive.

    A table of its own rather than columns on Record: few records are ever withdrawn, and
    the import's raw INSERT into records should not carry columns it never fills.
    """

    record = models.OneToOneField(
        Record, verbose_name="信用记录", related_name="withdrawal", on_delete=models.PROTECT
    )
    basis = models.CharField("撤回依据", max_length=16, choices=WithdrawalBasis.choices)
    document_number = models.CharField("依据文书号", max_length=128, blank=True)
    document_date = models.DateField("依据文书日期", null=True, blank=True)
    reason = models.TextField("撤回原因")
    at = models.DateTimeField("撤回时间")
    actor_label = models.CharField("操作人", max_length=150)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="操作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "记录撤回"
        verbose_name_plural = "记录撤回"

    def __str__(self) -> str:
        return f"{self.get_basis_display()} {self.document_number}".strip()
