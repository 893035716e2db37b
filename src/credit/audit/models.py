"""The change log (every write) and the access log (every read of non-public data).

Both are append-only: nothing in the platform updates or deletes their rows.
"""

from django.db import models

from credit.core.brin import TimeIndex


class ChangeLog(models.Model):
    """One write: who did what to which object, with before/after values."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor_user = models.ForeignKey(
        "accounts.User", verbose_name="操作用户", null=True, on_delete=models.PROTECT
    )
    actor_client = models.ForeignKey(
        "accounts.ApiClient", verbose_name="调用系统", null=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField("操作者", max_length=150)
    action = models.CharField("操作", max_length=50, db_index=True)
    object_type = models.CharField("对象类型", max_length=50)
    object_id = models.CharField("对象标识", max_length=64, db_index=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    request_id = models.CharField("请求/任务标识", max_length=64, blank=True)
    # What the caller sent as X-Request-ID, sanitised; never our own id (see middleware).
    client_request_id = models.CharField(
        "客户端请求号", max_length=64, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = "变更日志"
        verbose_name_plural = "变更日志"
        ordering = ["-at", "-id"]


class AccessLog(models.Model):
    """One read of non-public data: who, when, which subject, for what purpose."""

    # The date filter's index: BRIN on PostgreSQL (accesslog_at_brin).
    at = models.DateTimeField("时间", auto_now_add=True)
    # Append-only and written by every credit check: no database constraint (see
    # CreditCheck for why) and no index; the audit pages filter by `actor_label`.
    actor_user = models.ForeignKey(
        "accounts.User",
        verbose_name="查询用户",
        null=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    actor_client = models.ForeignKey(
        "accounts.ApiClient",
        verbose_name="调用系统",
        null=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    actor_label = models.CharField("查询者", max_length=150)
    subject_id = models.BigIntegerField("信用主体", null=True, db_index=True)
    subject_label = models.CharField("主体名称", max_length=200, blank=True)
    resource = models.CharField("访问内容", max_length=100)
    purpose = models.CharField("用途", max_length=200)
    request_id = models.CharField("请求标识", max_length=64, blank=True)
    # Written by raw inserts too (COPY, the check's fast path): the database default covers
    # a statement that leaves it out.
    client_request_id = models.CharField(
        "客户端请求号", max_length=64, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = "查询日志"
        verbose_name_plural = "查询日志"
        # Newest first in the order written (the primary key's), as `at` is only
        # BRIN-indexed.
        ordering = ["-id"]
        indexes = [TimeIndex(fields=["at"], name="accesslog_at_brin")]
