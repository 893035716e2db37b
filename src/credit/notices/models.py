"""Revocation notices to consumers (通知): who received which facts, and what they are told.

A *recipient* is a system (API client) or a department (its staff, through the console or a
staff session) that received facts: in a credit check answer (derived from the stored
checks, `measures.CheckSubject`) or in a sharing API read (`SharingReceipt`, one row per
recipient and subject). When a fact such a recipient received is withdrawn, corrected,
repaired, disputed or un-disputed, or its window ends, each recipient gets a `Notice`,
numbered by the recipient's own sequence (`seq`): that number is the pull API's cursor and
the push order. `DeliveryAttempt` is the webhook's log.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Recipient(models.Model):
    """A receiver of facts: an API client, or a department for its staff's reads.

    `last_seq` is the number of the recipient's newest notice; it is raised under a row lock
    in the transaction that writes the notices, so numbers are committed in order and a
    reader resuming after a cursor never skips a notice committed later with a lower number.
    """

    client = models.OneToOneField(
        "accounts.ApiClient",
        verbose_name="接口调用系统",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    department = models.OneToOneField(
        "accounts.Department",
        verbose_name="部门（工作人员查询）",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    last_seq = models.PositiveBigIntegerField("最新通知序号", default=0)
    webhook_url = models.URLField("回调地址", max_length=500, blank=True)
    # SM4-GCM ciphertext (core.fieldcrypto) of the HMAC key; the client saw it once.
    webhook_secret = models.CharField("回调签名密钥（密文）", max_length=300, blank=True)
    webhook_since = models.DateTimeField("回调登记时间", null=True, blank=True)
    delivered_seq = models.PositiveBigIntegerField("已推送至序号", default=0)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    next_attempt_at = models.DateTimeField("下次推送时间", null=True, blank=True)
    # A deliverer holds the recipient until this time (a lease, not a lock held over HTTP).
    lease_until = models.DateTimeField("推送占用至", null=True, blank=True)

    class Meta:
        verbose_name = "通知接收方"
        verbose_name_plural = "通知接收方"
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False, department__isnull=True)
                | Q(client__isnull=True, department__isnull=False),
                name="notice_recipient_one_holder",
            )
        ]

    def __str__(self) -> str:
        if self.client_id:
            return f"系统：{self.client.name}"
        return f"部门：{self.department.name}"


class SharingReceipt(models.Model):
    """A recipient read a subject's records through the sharing API (first and last time).

    One row per (recipient, subject), updated in place: a system reading a subject daily
    costs no growing table. The access log keeps every single read.
    """

    recipient = models.ForeignKey(
        Recipient, verbose_name="接收方", related_name="+", on_delete=models.CASCADE
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        related_name="+",
        on_delete=models.CASCADE,
        db_constraint=False,
    )
    first_at = models.DateTimeField("首次获取时间", default=timezone.now)
    last_at = models.DateTimeField("最近获取时间", default=timezone.now)

    class Meta:
        verbose_name = "共享获取记录"
        verbose_name_plural = "共享获取记录"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "subject"], name="sharing_receipt_once")
        ]
        indexes = [models.Index(fields=["subject", "last_at"], name="sharing_receipt_subject")]


class Notice(models.Model):
    """What one recipient is told about one changed fact it received earlier."""

    class Via(models.TextChoices):
        CHECK = "check", "信用核查"
        SHARING = "sharing", "共享查询"
        BOTH = "both", "信用核查和共享查询"

    uid = models.UUIDField("通知编号", default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        Recipient, verbose_name="接收方", related_name="notices", on_delete=models.CASCADE
    )
    seq = models.PositiveBigIntegerField("序号")
    created_at = models.DateTimeField("通知时间", default=timezone.now)
    event = models.ForeignKey(
        "facts.FactEvent",
        verbose_name="事实变更事件",
        related_name="+",
        on_delete=models.PROTECT,
        db_constraint=False,
    )
    action = models.CharField("变更类型", max_length=40)
    action_label = models.CharField("变更", max_length=40)
    changed_at = models.DateTimeField("变更时间")
    fact_kind = models.CharField("事实类型", max_length=40)
    fact_id = models.BigIntegerField("事实内部编号")
    dataset = models.CharField("信息事项", max_length=64)
    dataset_name = models.CharField("信息事项名称", max_length=200)
    document_number = models.CharField("文书号", max_length=200, blank=True)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        related_name="+",
        on_delete=models.PROTECT,
        db_constraint=False,
    )
    subject_public_id = models.CharField("主体公开标识", max_length=32)
    subject_name = models.CharField("主体名称", max_length=200)
    change = models.CharField("变更说明", max_length=300)
    via = models.CharField("获取途径", max_length=10, choices=Via.choices)
    check_ids = models.JSONField("受影响的核查编号", default=list, blank=True)

    class Meta:
        verbose_name = "撤回通知"
        verbose_name_plural = "撤回通知"
        ordering = ["recipient", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "seq"], name="notice_recipient_seq"),
            # A subscriber may see an event twice (crash before the outbox's bookkeeping).
            models.UniqueConstraint(
                fields=["recipient", "event", "fact_kind", "fact_id"], name="notice_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "subject_public_id"], name="notice_recipient_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"通知 {self.uid}"


class DeliveryAttempt(models.Model):
    """One webhook POST of a notice: its outcome, status code or error."""

    recipient = models.ForeignKey(
        Recipient, verbose_name="接收方", related_name="attempts", on_delete=models.CASCADE
    )
    notice = models.ForeignKey(
        Notice, verbose_name="通知", related_name="attempts", on_delete=models.CASCADE
    )
    at = models.DateTimeField("推送时间", default=timezone.now)
    url = models.CharField("回调地址", max_length=500)
    ok = models.BooleanField("成功", default=False)
    status_code = models.PositiveSmallIntegerField("HTTP 状态码", null=True, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    elapsed_ms = models.PositiveIntegerField("耗时（毫秒）", default=0)

    class Meta:
        verbose_name = "通知推送记录"
        verbose_name_plural = "通知推送记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.notice_id} @ {self.at:%Y-%m-%d %H:%M:%S}"
