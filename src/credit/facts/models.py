"""The outbox of fact state changes and its deliveries to subscribers.

A state change of a fact (publication, end of window, withdrawal, list entry steps) or a
set-based import writes one `FactEvent` in the writer's own transaction
(`facts.transitions` / `facts.events.emit`), so an event exists exactly when the change was
committed. After commit, `events.deliver_pending()` hands each event to every subscriber
registered at start-up and records the outcome per (event, subscriber) in `FactDelivery`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class FactEvent(models.Model):
    """One committed change of facts, waiting for (or handed to) the subscribers."""

    class Action(models.TextChoices):
        PUBLISHED = "published", "开始公示"
        WINDOW_ENDED = "window_ended", "公示期满"
        WITHDRAWN = "withdrawn", "撤回"
        CORRECTED = "corrected", "更正"
        ENTERED = "entered", "列入"
        REMOVED = "removed", "移出"
        CHANGED = "changed", "状态变更"
        # A fact now belongs to another subject (a merge of duplicate subjects, its undo).
        MOVED = "moved", "改归其他主体"
        IMPORTED = "imported", "批量导入"
        # Due process (issue 13): consumers that received the fact are told of each.
        REPAIRED = "repaired", "信用修复"
        DISPUTED = "disputed", "异议标注"
        UNDISPUTED = "undisputed", "撤销异议标注"

    kind = models.CharField("事实类型", max_length=40)
    action = models.CharField("变更", max_length=40, choices=Action.choices)
    fact_ids = models.JSONField("事实编号", default=list, blank=True)
    batch_ref = models.CharField("批次", max_length=64, blank=True, default="")
    subject_ids = models.JSONField("涉及主体", default=list, blank=True)
    at = models.DateTimeField("发生时间", default=timezone.now)
    actor_label = models.CharField("操作人", max_length=150, blank=True, default="")
    request_id = models.CharField("请求/任务编号", max_length=64, blank=True, default="")
    # Set once every subscriber registered when it was delivered has succeeded: the
    # deliverer skips such events without joining the delivery table.
    delivered_at = models.DateTimeField("全部送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "事实变更事件"
        verbose_name_plural = "事实变更事件"
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="fact_event_pending",
                condition=models.Q(delivered_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.get_action_display()}（#{self.pk}）"


class FactDelivery(models.Model):
    """The hand-over of one event to one subscriber: retried with backoff until it succeeds."""

    class State(models.TextChoices):
        PENDING = "pending", "待送达"
        DONE = "done", "已送达"
        FAILED = "failed", "送达失败，等待重试"

    event = models.ForeignKey(
        FactEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name="事件"
    )
    subscriber = models.CharField("订阅方", max_length=100)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True, default="")
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "事件送达"
        verbose_name_plural = "事件送达"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="fact_delivery_once")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="fact_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscriber}"


class Dispute(models.Model):
    """The dispute facet of a fact: an accepted objection still open (异议标注).

    One row per objection; a fact is disputed while any of its rows is open. Written only by
    `facts.transitions.open_dispute` / `close_dispute` (state, change log and event in one
    transaction) and read through `facts.disputed()`, so no reader restates the rule.
    """

    kind = models.CharField("事实类型", max_length=40)
    fact_id = models.BigIntegerField("事实编号")
    subject_id = models.BigIntegerField("信用主体编号", null=True, blank=True)
    reference = models.CharField("异议受理编号", max_length=40)
    opened_at = models.DateTimeField("标注时间", default=timezone.now)
    closed_at = models.DateTimeField("撤销标注时间", null=True, blank=True)
    closed_reason = models.CharField("撤销原因", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "异议标注"
        verbose_name_plural = "异议标注"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "fact_id", "reference"], name="dispute_once")
        ]
        indexes = [
            models.Index(
                fields=["kind", "fact_id"],
                name="dispute_open",
                condition=models.Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["subject_id"],
                name="dispute_open_subject",
                condition=models.Q(closed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.fact_id}（{self.reference}）"
