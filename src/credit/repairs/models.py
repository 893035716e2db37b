"""Credit repair applications (信用修复申请) and their steps.

An application names one fact (a penalty record, an abnormal-operation record or a list
entry), is routed to the department that decided it (谁认定、谁修复) and moves 待受理 →
已受理 → 准予修复 / 不予修复 (or 不予受理); a granted repair may later be revoked (撤销修复).
The fact's own state is changed only through the kernel (records/lists services).
"""

from __future__ import annotations

from django.db import models


class State(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "不予受理"
    REPAIRED = "repaired", "准予修复"
    REFUSED = "refused", "不予修复"
    REVOKED = "revoked", "已撤销修复"


OPEN_STATES = (State.SUBMITTED, State.ACCEPTED)


class FactKind(models.TextChoices):
    RECORD = "record", "信用记录"
    LIST_ENTRY = "list_entry", "名单条目"


class RepairApplication(models.Model):
    # The common application (tracking number, query code, party, materials, the steps the
    # applicant's status page shows); null only for applications made before the link.
    application = models.OneToOneField(
        "applications.Application",
        verbose_name="申请",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair",
    )
    tracking_number = models.CharField("受理编号", max_length=24, unique=True)
    query_code_hash = models.CharField("查询码摘要", max_length=64)
    fact_kind = models.CharField("修复对象类型", max_length=12, choices=FactKind.choices)
    record = models.ForeignKey(
        "records.Record",
        verbose_name="信用记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    list_entry = models.ForeignKey(
        "lists.ListEntry",
        verbose_name="名单条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="决定部门",
        null=True,
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    applicant_name = models.CharField("申请人", max_length=100)
    applicant_phone = models.CharField("联系电话", max_length=30)
    agent_name = models.CharField("代理人", max_length=100, blank=True)
    relationship = models.CharField("与主体关系", max_length=50, blank=True)
    statement = models.TextField("修复理由及履行情况", blank=True)
    # The 信用修复型 commitment as the applicant signed it; the commitment itself is a
    # credit.commitments record (失信 on revocation makes the breach record).
    commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name="信用修复承诺",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repair_applications",
    )
    commitment_text = models.TextField("信用修复承诺书内容")
    commitment_signed_name = models.CharField("承诺人签名", max_length=100)
    commitment_at = models.DateTimeField("承诺时间")
    state = models.CharField(
        "办理状态", max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    submitted_at = models.DateTimeField("申请时间")
    accept_due = models.DateField("受理期限")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    decide_due = models.DateField("决定期限", null=True, blank=True)
    extended_at = models.DateTimeField("延期时间", null=True, blank=True)
    extension_reason = models.TextField("延期理由", blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    outcome_reason = models.TextField("决定（不予受理）理由", blank=True)
    revoked_at = models.DateTimeField("撤销修复时间", null=True, blank=True)
    revocation_reason = models.TextField("撤销修复理由", blank=True)
    revocation_document = models.CharField("撤销修复决定书文号", max_length=128, blank=True)
    barred_until = models.DateField("不得再次申请至", null=True, blank=True)

    class Meta:
        verbose_name = "信用修复申请"
        verbose_name_plural = "信用修复申请"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["department", "state"], name="repair_dept_state"),
            models.Index(fields=["state", "accept_due"], name="repair_state_accept_due"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def fact(self):
        return self.record if self.fact_kind == FactKind.RECORD else self.list_entry


class RepairStep(models.Model):
    """One dated step of an application, with its actor and note (shown to the applicant
    on the status page; the change log holds the same with the changed fields)."""

    application = models.ForeignKey(
        RepairApplication, verbose_name="申请", on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField("环节", max_length=20)
    to_state = models.CharField("办理后状态", max_length=10, choices=State.choices)
    at = models.DateTimeField("时间")
    actor_label = models.CharField("办理人", max_length=150)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "信用修复办理环节"
        verbose_name_plural = "信用修复办理环节"
        ordering = ["at", "id"]
