"""Stored credit records and their history."""

from django.db import models


class Severity(models.TextChoices):
    MINOR = "轻微", "轻微"
    GENERAL = "一般", "一般"
    SERIOUS = "严重", "严重"


class Record(models.Model):
    """The current version of one credit record (a licence, a penalty, …).

    The business key is (dataset, authority USCC, normalised document number); importing
    the same decision again updates this row only when its content changed, and the
    previous content moves to RecordHistory first.
    """

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name="信息事项", on_delete=models.PROTECT
    )
    dataset_version = models.ForeignKey(
        "catalog.DatasetVersion", verbose_name="事项版本", on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name="数据来源单位", on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        related_name="records",
        on_delete=models.PROTECT,
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
        "collection.Batch", verbose_name="首次入库批次", related_name="+", on_delete=models.PROTECT
    )
    batch = models.ForeignKey(
        "collection.Batch", verbose_name="最近写入批次", related_name="+", on_delete=models.PROTECT
    )
    batch_row = models.PositiveIntegerField("批次行号", null=True)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")

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
