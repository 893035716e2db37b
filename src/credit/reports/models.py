"""Credit reports the platform has issued: what was issued, to whom, and its digest.

The signed PDF is kept (MEDIA_ROOT/reports) so that asking again for an unchanged report
hands out the same document, and its SM3 digest is what the verify page compares an
uploaded file with, byte for byte.
"""

from django.db import models


class ReportDomain(models.Model):
    """A field of administration (领域) a special report is asked for, and the departments
    whose decisions belong to it. Data, edited by the credit office."""

    code = models.SlugField("领域代码", max_length=40, unique=True)
    name = models.CharField("领域名称", max_length=40, unique=True)
    position = models.PositiveIntegerField("排序", default=0)
    departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name="数据来源部门",
        related_name="report_domains",
        blank=True,
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "专项报告领域"
        verbose_name_plural = "专项报告领域"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ReportKind(models.TextChoices):
    PUBLIC = "public", "公共信用信息报告"
    SPECIAL = "special", "专项信用报告"


class CreditReport(models.Model):
    """One issued report. Never edited after issue, except to mark it superseded."""

    number = models.CharField("报告编号", max_length=22, unique=True)
    kind = models.CharField("报告类型", max_length=10, choices=ReportKind.choices)
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        related_name="credit_reports",
        on_delete=models.PROTECT,
    )
    # As printed on the cover: the subject may be renamed later.
    subject_name = models.CharField("主体名称", max_length=200)
    subject_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    audience = models.CharField("读者", max_length=10)
    period_from = models.DateField("信息起始日", null=True, blank=True)
    period_to = models.DateField("信息截止日")
    issued_at = models.DateTimeField("出具时间", db_index=True)
    # The facts the report states, hashed: an identical request reuses the report.
    content_digest = models.CharField("内容摘要", max_length=64)
    pdf_digest = models.CharField("文件SM3摘要", max_length=64, db_index=True)
    pdf_size = models.PositiveIntegerField("文件大小（字节）")
    pdf_path = models.CharField("文件位置", max_length=255)
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="替代报告",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    requested_by = models.CharField("申请人", max_length=150, blank=True)
    # Public reports: the day the subject's facts were last found to be what this report
    # states. A download on that day serves the stored file without reading the facts again,
    # unless a fact event has named the subject since (it clears the day and counts itself
    # in `fact_changes`, which a concurrent check compares before it records its day).
    confirmed_on = models.DateField("内容核对日", null=True, blank=True)
    fact_changes = models.PositiveIntegerField("出具后信息变更次数", default=0)
    # The platform's grade the report states (grade, meaning, model, valid from), "" for
    # none: grades change without a fact event, so a stored report is compared with it.
    grade_stamp = models.CharField("所载评价等级", max_length=300, blank=True, default="")
    # Special reports: the domains asked for, by name as printed.
    domains = models.JSONField("领域", default=list, blank=True)

    class Meta:
        verbose_name = "信用报告"
        verbose_name_plural = "信用报告"
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["subject", "kind", "-issued_at"], name="report_subject_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class SpecialReportRequest(models.Model):
    """A special report asked for by the subject (portal or service window): the period and
    domains asked; the application (credit.applications) carries the applicant, materials,
    tracking number, query code and steps; `report` is the report issued on acceptance,
    delivered through the application's status page."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name="申请",
        on_delete=models.PROTECT,
        related_name="special_report_request",
    )
    period_from = models.DateField("查询期间自")
    period_to = models.DateField("查询期间至")
    domains = models.ManyToManyField(ReportDomain, verbose_name="查询领域", related_name="+")
    purpose = models.CharField("用途", max_length=200, blank=True, default="")
    report = models.ForeignKey(
        CreditReport,
        verbose_name="出具的报告",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "专项信用报告申请"
        verbose_name_plural = "专项信用报告申请"
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(self.application)
