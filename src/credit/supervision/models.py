"""分级分类监管: the sampling ratios per grade and the 双随机 draws made with them."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Stratum(models.TextChoices):
    """A grade of the public credit evaluation, or no grade at all (未评价: not graded yet,
    or no registration data): such subjects form a stratum of their own, never a grade."""

    A = "A", "A 级"
    B = "B", "B 级"
    C = "C", "C 级"
    D = "D", "D 级"
    NONE = "none", "未评价"


class Population(models.TextChoices):
    LICENSEES = "licensees", "本部门行政许可相对人"
    GRADED = "graded", "全部已评价主体"
    LISTED = "listed", "指定主体"


class SamplingRatio(models.Model):
    """The credit office's sampling ratio for one stratum (the draw form and the API start
    from these; a stratum without a row uses the platform default)."""

    stratum = models.CharField("信用等级", max_length=8, choices=Stratum.choices, unique=True)
    ratio = models.DecimalField(
        "抽查比例",
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="0 到 1 之间的小数，如 0.05 表示 5%",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "分级抽查比例"
        verbose_name_plural = "分级抽查比例"
        ordering = ["stratum"]

    def __str__(self) -> str:
        return f"{self.get_stratum_display()}：{self.ratio}"


class SampleDraw(models.Model):
    """One 双随机 draw: who drew for which department, from which population, with which
    ratios and seed, the counts per stratum, and (SampledSubject) the subjects drawn with
    their grade and reasons at draw time. A draw is a record and is never edited."""

    department = models.ForeignKey(
        "accounts.Department", verbose_name="抽查部门", on_delete=models.PROTECT
    )
    population = models.CharField("抽查范围", max_length=16, choices=Population.choices)
    population_note = models.CharField("范围说明", max_length=500, blank=True)
    ratios = models.JSONField("抽查比例")
    seed = models.CharField("随机种子", max_length=40)
    rounding = models.CharField("取整规则", max_length=200)
    counts = models.JSONField("分级数量")
    population_size = models.PositiveIntegerField("抽查范围主体数")
    drawn_size = models.PositiveIntegerField("抽中主体数")
    created_at = models.DateTimeField("抽取时间", auto_now_add=True, db_index=True)
    actor_label = models.CharField("抽取人", max_length=150)
    actor_user = models.ForeignKey(
        "accounts.User", verbose_name="抽取用户", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_client = models.ForeignKey(
        "accounts.ApiClient",
        verbose_name="抽取系统",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"抽查 #{self.pk}（{self.department}）"


class SampledSubject(models.Model):
    """A subject drawn, with its grade, score and reasons as they were at draw time."""

    draw = models.ForeignKey(
        SampleDraw, verbose_name="抽查", related_name="drawn", on_delete=models.CASCADE
    )
    position = models.PositiveIntegerField("序号")
    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", on_delete=models.PROTECT
    )
    subject_name = models.CharField("主体名称", max_length=200)
    subject_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    stratum = models.CharField("信用等级", max_length=8, choices=Stratum.choices)
    score = models.DecimalField("评价得分", max_digits=8, decimal_places=2, null=True)
    valid_from = models.DateField("等级生效日", null=True)
    model_version = models.CharField("评价模型版本", max_length=40, blank=True)
    reasons = models.JSONField("评价理由", default=list)

    class Meta:
        verbose_name = "抽中主体"
        verbose_name_plural = "抽中主体"
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "subject"], name="sample_subject_once"),
        ]

    def __str__(self) -> str:
        return self.subject_name
