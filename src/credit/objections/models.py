"""Objections (异议) to facts: which fact, why, where the procedure stands, the outcome.

The applicant, materials, tracking number and steps are the objection's Application
(credit.applications); the dispute marker is the kernel's (facts.Dispute).
"""

from __future__ import annotations

from django.db import models


class FactKind(models.TextChoices):
    RECORD = "record", "信用记录"
    LIST_ENTRY = "list_entry", "名单条目"


class ObjectionState(models.TextChoices):
    RECEIVED = "received", "待受理"
    SELF_CHECK = "self_check", "平台自查中"
    VERIFYING = "verifying", "部门协查中"
    REJECTED = "rejected", "不予受理"
    CLOSED = "closed", "已办结"


class Outcome(models.TextChoices):
    CORRECTED = "corrected", "更正"
    DELETED = "deleted", "删除"
    UPHELD = "upheld", "维持"


class Step(models.TextChoices):
    ACCEPT = "accept", "受理"
    SELF_CHECK = "self_check", "平台自查"
    VERIFY = "verify", "部门协查"
    NOTIFY = "notify", "告知申请人"


OPEN_STATES = (ObjectionState.RECEIVED, ObjectionState.SELF_CHECK, ObjectionState.VERIFYING)


class Objection(models.Model):
    """One objection to one fact (a record or a list entry) about the applicant's subject."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name="申请",
        on_delete=models.PROTECT,
        related_name="objection",
    )
    fact_kind = models.CharField("异议信息类型", max_length=20, choices=FactKind.choices)
    fact_id = models.BigIntegerField("异议信息编号")
    fact_label = models.CharField("异议信息", max_length=300)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="数据提供单位",
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField("异议内容及理由")
    state = models.CharField(
        "办理状态", max_length=20, choices=ObjectionState.choices, default=ObjectionState.RECEIVED
    )
    outcome = models.CharField("处理结果", max_length=20, choices=Outcome.choices, blank=True)
    platform_error = models.BooleanField("平台自查发现平台差错", default=False)

    class Meta:
        verbose_name = "信用信息异议"
        verbose_name_plural = "信用信息异议"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "department"], name="objection_queue")]

    def __str__(self) -> str:
        return f"{self.application.tracking_number}：{self.fact_label}"
