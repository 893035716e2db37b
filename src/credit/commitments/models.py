from django.db import models


class CommitmentKind(models.TextChoices):
    APPROVAL = "approval", "审批替代型"
    VOLUNTARY = "voluntary", "主动型"
    INDUSTRY = "industry", "行业自律型"
    REPAIR = "repair", "信用修复型"


class Fulfilment(models.TextChoices):
    """履约状态, as the catalog's values say it."""

    PENDING = "pending", "未到期"
    KEPT = "kept", "履约"
    BROKEN = "broken", "失信"


class Commitment(models.Model):
    """One credit commitment (信用承诺) and its verification.

    Commitments sent by departments (file, API, console form) are records of the
    `commitment` dataset; this row follows its record (the collection consumer keeps it in
    step) and holds what the record cannot: the verification due date, who verified it and
    when, and for 失信 the breach record. 信用修复型 commitments are made by the platform
    inside a repair application and keep the signed text.
    """

    code = models.CharField("承诺编码", max_length=20, unique=True)
    kind = models.CharField("承诺类型", max_length=20, choices=CommitmentKind.choices)
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="承诺主体", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name="受理单位", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        "records.Record",
        verbose_name="承诺记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_on = models.DateField("承诺日期")
    matter = models.CharField("承诺事项", max_length=200)
    reason = models.CharField("承诺事由", max_length=500, blank=True)
    text = models.TextField("承诺内容")
    signer_name = models.CharField("签署人", max_length=100, blank=True)
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    public = models.BooleanField("向社会公开", default=True)
    due_on = models.DateField("核查期限", null=True, blank=True, db_index=True)
    state = models.CharField(
        "履约状态", max_length=10, choices=Fulfilment.choices, default=Fulfilment.PENDING
    )
    verified_on = models.DateField("核查日期", null=True, blank=True)
    verified_by = models.CharField("核查人", max_length=150, blank=True)
    verification_note = models.TextField("核查说明", blank=True)
    breach_facts = models.TextField("失信事实", blank=True)
    decision_number = models.CharField("失信认定文书号", max_length=128, blank=True)
    breach_record = models.ForeignKey(
        "records.Record",
        verbose_name="违背承诺记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信用承诺"
        verbose_name_plural = "信用承诺"
        ordering = ["-made_on", "-id"]
        indexes = [models.Index(fields=["department", "state", "due_on"], name="commitment_queue")]

    def __str__(self) -> str:
        return f"{self.code} {self.get_kind_display()}"
