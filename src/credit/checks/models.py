"""Credit checks (信用核查) and the feedback they expect (发起 → 响应 → 反馈).

A check keeps its whole answer as JSON: it is the evidence of what the department was told
on that day, whatever changes in the lists afterwards. Rows are written per subject only
where something was found (a list entry or a negative record), because only those need
feedback and statistics; a clean subject in a 10,000-subject batch costs no row of its own
beyond its access-log entry.
"""

from __future__ import annotations

from django.db import models

from credit.core.brin import TimeIndex
from credit.core.jsonfields import ExactJSONField

__all__ = ["CheckSubject", "CreditCheck", "Feedback", "Verdict"]


class Verdict(models.TextChoices):
    """Summary labels of a checked subject, most serious first."""

    BLACK = "命中黑名单", "命中黑名单"
    BAD = "有不良记录", "有不良记录"
    RED = "命中红名单", "命中红名单"
    CLEAN = "无不良记录", "无不良记录"


class CreditCheck(models.Model):
    """One credit check request: who asked, in which business scenario, and the answer.

    Written on every check (the hottest write of the platform) and never updated, so it
    carries only the indexes its readers use (the department's list by time, the credit
    office's by time) and no database foreign-key constraints: PostgreSQL would lock the
    caller's client, user, department and scenario rows (`FOR KEY SHARE`) in every check
    transaction; the locks do not block each other, but concurrent checks of one system
    turn that row's lock into a MultiXact rewritten on every check (measured: ~0.05 ms of
    database CPU per check, one at a time, more under load). The
    referenced rows are PROTECTed in Django and never deleted (clients and users are
    disabled), and the ids written are those the same request has just read.
    """

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="核查部门",
        null=True,
        blank=True,
        related_name="credit_checks",
        on_delete=models.PROTECT,
        # Covered by creditcheck_dept_time; every check pays for each index on insert.
        db_index=False,
        db_constraint=False,
    )
    user = models.ForeignKey(
        "accounts.User",
        verbose_name="核查用户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    client = models.ForeignKey(
        "accounts.ApiClient",
        verbose_name="调用系统",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    actor_label = models.CharField("核查者", max_length=150)
    scenario = models.ForeignKey(
        "measures.Scenario",
        verbose_name="业务场景",
        related_name="+",
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    purpose = models.CharField("核查事由", max_length=200, blank=True)
    # Read by date range only: BRIN on PostgreSQL (creditcheck_created_brin).
    created_at = models.DateTimeField("核查时间")
    subject_count = models.PositiveIntegerField("核查主体数", default=0)
    matched_count = models.PositiveIntegerField("匹配主体数", default=0)
    hit_count = models.PositiveIntegerField("命中主体数", default=0)
    measure_count = models.PositiveIntegerField("适用措施数", default=0)
    feedback_due = models.DateField("反馈截止日", null=True, blank=True)
    answer = ExactJSONField("核查结果")
    request_id = models.CharField("请求标识", max_length=64, blank=True)

    class Meta:
        # The table keeps the name it had while these models lived in measures: the move
        # to checks changed Django's state only (checks/migrations/0001), no data moved.
        db_table = "measures_creditcheck"
        verbose_name = "信用核查"
        verbose_name_plural = "信用核查"
        # Newest first by id: the order checks were stored in, served by the primary key
        # (the credit office) and by creditcheck_dept_id (a department).
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["department", "id"], name="creditcheck_dept_id"),
            TimeIndex(fields=["created_at"], name="creditcheck_created_brin"),
        ]

    def __str__(self) -> str:
        return f"信用核查 #{self.pk}"


class CheckSubject(models.Model):
    """A checked subject on which something was found: a list entry or a negative record."""

    check_run = models.ForeignKey(
        CreditCheck, verbose_name="信用核查", related_name="hits", on_delete=models.CASCADE
    )
    position = models.PositiveIntegerField("序号")
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", related_name="+", on_delete=models.PROTECT
    )
    subject_label = models.CharField("主体名称", max_length=200)
    verdicts = models.JSONField("核查结论", default=list)
    black_count = models.PositiveIntegerField("黑名单条目数", default=0)
    red_count = models.PositiveIntegerField("红名单条目数", default=0)
    record_count = models.PositiveIntegerField("不良记录数", default=0)

    class Meta:
        # Kept from measures, as CreditCheck's table.
        db_table = "measures_checksubject"
        verbose_name = "核查命中主体"
        verbose_name_plural = "核查命中主体"
        ordering = ["check_run", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_run", "position"], name="uniq_checksubject_position"
            )
        ]

    def __str__(self) -> str:
        return self.subject_label


class Feedback(models.Model):
    """The feedback one applicable measure expects for one checked subject.

    Created empty with its due date when the check runs; the department fills in whether it
    applied the measure, why, and with what result. Empty past the due date is overdue.
    """

    check_run = models.ForeignKey(
        CreditCheck, verbose_name="信用核查", related_name="feedback", on_delete=models.CASCADE
    )
    check_subject = models.ForeignKey(
        CheckSubject, verbose_name="核查主体", related_name="feedback", on_delete=models.CASCADE
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="反馈部门",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    measure = models.ForeignKey(
        "measures.Measure", verbose_name="措施", related_name="+", on_delete=models.PROTECT
    )
    measure_code = models.CharField("措施编号", max_length=50)
    due_date = models.DateField("反馈截止日", db_index=True)
    applied = models.BooleanField("是否实施", null=True, blank=True)
    reason = models.TextField("理由", blank=True)
    result = models.TextField("实施结果", blank=True)
    given_at = models.DateTimeField("反馈时间", null=True, blank=True)
    given_by = models.CharField("反馈人", max_length=150, blank=True)

    class Meta:
        # Kept from measures, as CreditCheck's table.
        db_table = "measures_feedback"
        verbose_name = "措施反馈"
        verbose_name_plural = "措施反馈"
        ordering = ["check_run", "check_subject", "measure_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_subject", "measure"], name="uniq_feedback_subject_measure"
            )
        ]
        indexes = [
            models.Index(fields=["department", "given_at", "due_date"], name="feedback_overdue"),
        ]

    def __str__(self) -> str:
        return f"{self.check_subject} / {self.measure_code}"

    @property
    def is_given(self) -> bool:
        return self.given_at is not None
