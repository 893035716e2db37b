"""Applications made by subjects through the portal or at the service window.

An application is the common part of every due-process request (异议 today; 信用修复 and
专项信用报告 use the same table): who applies for which subject, the materials, a
tracking number and a query code that open its status page, and its steps, each with a
working-day clock. What the request is about (the fact objected to, the outcome) lives in
the app of the request, which points at its Application.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApplicationKind(models.TextChoices):
    OBJECTION = "objection", "信用信息异议"
    SPECIAL_REPORT = "special_report", "专项信用报告申请"
    REPAIR = "repair", "信用修复申请"


# Tracking-number prefix per kind: two letters, then the date and a daily serial.
PREFIXES = {
    ApplicationKind.OBJECTION: "YY",
    ApplicationKind.SPECIAL_REPORT: "BG",
    ApplicationKind.REPAIR: "XF",
}


class Channel(models.TextChoices):
    PORTAL = "portal", "网站提交"
    API = "api", "接口提交"
    WINDOW = "window", "窗口受理"


class Relationship(models.TextChoices):
    SELF = "self", "本人"
    LEGAL_REP = "legal_rep", "法定代表人/负责人"
    STAFF = "staff", "单位工作人员"
    AGENT = "agent", "委托代理人"


class ApplicationState(models.TextChoices):
    RECEIVED = "received", "待受理"
    IN_PROGRESS = "in_progress", "办理中"
    REJECTED = "rejected", "不予受理"
    CLOSED = "closed", "已办结"


class Application(models.Model):
    """One application: the subject, applicant and agent, state, outcome.

    The query code is shown once on submission and stored only as a password hash; the
    person's ID number only encrypted (SM4) with its blind index (HMAC-SM3), as subjects
    keep it.
    """

    kind = models.CharField("申请类型", max_length=20, choices=ApplicationKind.choices)
    tracking_number = models.CharField("受理编号", max_length=20, unique=True)
    query_code_hash = models.CharField("查询码摘要", max_length=200)
    channel = models.CharField("提交渠道", max_length=10, choices=Channel.choices)
    state = models.CharField(
        "办理状态",
        max_length=20,
        choices=ApplicationState.choices,
        default=ApplicationState.RECEIVED,
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    subject_name = models.CharField("主体名称", max_length=200)
    subject_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, default="")
    subject_id_cipher = models.TextField("身份证号密文", blank=True, default="")
    subject_id_digest = models.CharField("身份证号摘要", max_length=64, blank=True, default="")
    applicant_name = models.CharField("申请人姓名", max_length=100)
    applicant_phone = models.CharField("申请人电话", max_length=20)
    applicant_relationship = models.CharField(
        "申请人与主体关系", max_length=20, choices=Relationship.choices
    )
    agent_name = models.CharField("代理人姓名", max_length=100, blank=True, default="")
    agent_phone = models.CharField("代理人电话", max_length=20, blank=True, default="")
    agent_relationship = models.CharField(
        "代理人与主体关系", max_length=100, blank=True, default=""
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="办理部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField("提交时间", default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="窗口录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField("办理结果", max_length=20, blank=True, default="")
    outcome_label = models.CharField("办理结果说明", max_length=40, blank=True, default="")
    outcome_note = models.TextField("结果说明", blank=True, default="")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "申请"
        verbose_name_plural = "申请"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.tracking_number


class Step(models.Model):
    """One step of an application (受理, 自查, 协查, 告知 …) with its working-day clock."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="steps"
    )
    code = models.CharField("环节代码", max_length=30)
    label = models.CharField("环节", max_length=40)
    started_on = models.DateField("开始日期")
    due_on = models.DateField("办理期限", null=True, blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    actor_label = models.CharField("办理人", max_length=150, blank=True, default="")
    result = models.CharField("环节结果", max_length=40, blank=True, default="")
    note = models.TextField("办理意见", blank=True, default="")
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="办理单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["due_on"], name="step_open_due", condition=models.Q(done_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.label}"


class StepPeriod(models.Model):
    """The working days a step may take (configurable; defaults from domain.md §5)."""

    kind = models.CharField("申请类型", max_length=20, choices=ApplicationKind.choices)
    code = models.CharField("环节代码", max_length=30)
    label = models.CharField("环节", max_length=40)
    workdays = models.PositiveSmallIntegerField("办理时限（工作日）")

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="step_period_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}·{self.label}：{self.workdays} 个工作日"


class Material(models.Model):
    """An uploaded material: encrypted at rest outside the web root, with its SM3 digest."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="materials"
    )
    filename = models.CharField("文件名", max_length=200)
    file_type = models.CharField("文件类型", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    sm3 = models.CharField("SM3 摘要", max_length=64)
    stored_name = models.CharField("存储名", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
