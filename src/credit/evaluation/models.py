"""公共信用综合评价 (GB/T 45255-2025): the scoring model as data, and the grades it gives.

A model is versioned: the credit office edits a draft (dimensions → indicators → rules,
grade bands) in the admin and publishes it; publishing freezes a copy as the next version
and the engine grades with the newest published one. Every grade names the version that
gave it.
"""

from __future__ import annotations

from django.db import models


class ModelState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布（现行）"
    RETIRED = "retired", "已停用（历史版本）"


class DisputedFacts(models.TextChoices):
    COUNT = "count", "照常计分"
    IGNORE = "ignore", "异议处理期间不计分"


class EvaluationModel(models.Model):
    """One version of the evaluation model (评价模型)."""

    name = models.CharField("模型名称", max_length=100)
    version = models.PositiveIntegerField("版本号", default=0)
    state = models.CharField(
        "状态", max_length=10, choices=ModelState.choices, default=ModelState.DRAFT
    )
    description = models.TextField("说明", blank=True)
    base_score = models.DecimalField("基础分", max_digits=7, decimal_places=2, default=100)
    disputed_facts = models.CharField(
        "异议中的信息",
        max_length=10,
        choices=DisputedFacts.choices,
        default=DisputedFacts.COUNT,
        help_text="信用主体提出异议、尚在处理中的信息是否计分。",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.CharField("发布人", max_length=150, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "评价模型"
        verbose_name_plural = "评价模型"
        ordering = ["-version", "-id"]

    def __str__(self) -> str:
        if self.state == ModelState.DRAFT:
            return f"{self.name}（草稿）"
        return f"{self.name} 第{self.version}版"


class Dimension(models.Model):
    """A first-level dimension (一级维度), e.g. 遵纪守法."""

    model = models.ForeignKey(
        EvaluationModel,
        verbose_name="评价模型",
        related_name="dimensions",
        on_delete=models.CASCADE,
    )
    name = models.CharField("维度名称", max_length=50)
    position = models.PositiveIntegerField("排序", default=0)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "评价维度"
        verbose_name_plural = "评价维度"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A second-level indicator (二级指标): the sum of its rules' points, within its caps."""

    dimension = models.ForeignKey(
        Dimension, verbose_name="评价维度", related_name="indicators", on_delete=models.CASCADE
    )
    name = models.CharField("指标名称", max_length=100)
    position = models.PositiveIntegerField("排序", default=0)
    min_score = models.DecimalField(
        "最低得分",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="扣分封顶：本指标合计最多扣到该分值（如 -40）；留空不限。",
    )
    max_score = models.DecimalField(
        "最高得分",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="加分封顶：本指标合计最多加到该分值（如 10）；留空不限。",
    )
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["dimension__position", "position", "id"]

    def __str__(self) -> str:
        return f"{self.dimension.name} / {self.name}"


class RuleSource(models.TextChoices):
    DATASET = "dataset", "信息事项的记录"
    LIST = "list", "现行名单条目"
    REGISTRATION_AGE = "registration_age", "成立年限"


class Rule(models.Model):
    """A scoring rule (计分规则): points per fact (or per year since registration), summed
    and capped. The facts are those the government-sharing audience sees today, so a
    withdrawn, repaired or ended fact no longer counts."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="评价指标", related_name="rules", on_delete=models.CASCADE
    )
    name = models.CharField("规则名称", max_length=100)
    position = models.PositiveIntegerField("排序", default=0)
    source = models.CharField("计分依据", max_length=20, choices=RuleSource.choices)
    dataset_code = models.CharField(
        "信息事项代码",
        max_length=50,
        blank=True,
        help_text="计分依据为信息事项时填写，如 penalty。",
    )
    severities = models.JSONField(
        "失信严重程度", default=list, blank=True, help_text='如 ["一般", "严重"]；留空不限。'
    )
    field_conditions = models.JSONField(
        "字段条件",
        default=dict,
        blank=True,
        help_text='记录字段（交换代码）须等于的值，如 {"PJ_PJLB": "纳税信用", "PJ_PJJG": "A"}；'
        "值为列表时等于其一即可。",
    )
    list_codes = models.JSONField(
        "名单代码",
        default=list,
        blank=True,
        help_text='计分依据为名单时填写，如 ["court_dishonest"]。',
    )
    list_color = models.CharField(
        "名单类别",
        max_length=5,
        blank=True,
        help_text="black（黑名单）或 red（红名单）；留空不限。",
    )
    exclude_list_codes = models.JSONField(
        "排除的名单代码", default=list, blank=True, help_text="已由其他规则计分的名单。"
    )
    window_years = models.PositiveIntegerField(
        "计分期限（年）",
        null=True,
        blank=True,
        help_text="只计决定日期在最近若干年内的记录；留空不限。",
    )
    points = models.DecimalField(
        "每项分值",
        max_digits=7,
        decimal_places=2,
        help_text="每条记录、每个名单条目或每满一年的分值；扣分为负数。",
    )
    cap = models.DecimalField(
        "本规则封顶（绝对值）", max_digits=7, decimal_places=2, null=True, blank=True
    )
    description = models.TextField("计分理由", help_text="为什么这样计分，展示在评价说明中。")

    class Meta:
        verbose_name = "计分规则"
        verbose_name_plural = "计分规则"
        ordering = ["indicator__dimension__position", "indicator__position", "position", "id"]

    def __str__(self) -> str:
        return self.name


class GradeBand(models.Model):
    """A grade's cut-off (等级划分): the lowest score that still earns it, and its meaning."""

    model = models.ForeignKey(
        EvaluationModel, verbose_name="评价模型", related_name="bands", on_delete=models.CASCADE
    )
    grade = models.CharField("等级", max_length=1, choices=[(g, g) for g in "ABCD"])
    min_score = models.DecimalField("最低分", max_digits=7, decimal_places=2)
    meaning = models.CharField("含义", max_length=100)

    class Meta:
        verbose_name = "评价等级"
        verbose_name_plural = "评价等级"
        ordering = ["-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["model", "grade"], name="uniq_evaluation_band")
        ]

    def __str__(self) -> str:
        return f"{self.grade}（{self.meaning}）"


class EvaluationSettings(models.Model):
    """Settings of the evaluation the credit office switches (one row)."""

    show_on_portal = models.BooleanField(
        "在门户网站公开评价结果",
        default=False,
        help_text="默认不公开；开启后信用档案的“信用评价”栏目显示评价等级。",
    )

    class Meta:
        verbose_name = "评价设置"
        verbose_name_plural = "评价设置"

    def __str__(self) -> str:
        return "评价设置"


class Grade(models.Model):
    """One grade of a subject (评价结果). A new row only when the grade, the score or the
    model version changes; the row with `is_current` set is the subject's grade now, the
    others are its history. `details` explains it: per rule the points and the facts."""

    subject = models.ForeignKey(
        "subjects.Subject", verbose_name="信用主体", related_name="+", on_delete=models.CASCADE
    )
    grade = models.CharField("等级", max_length=1)
    score = models.DecimalField("得分", max_digits=7, decimal_places=2)
    model = models.ForeignKey(
        EvaluationModel, verbose_name="评价模型版本", related_name="+", on_delete=models.PROTECT
    )
    valid_from = models.DateField("生效日期")
    computed_at = models.DateTimeField("计算时间")
    unregistered = models.BooleanField("无登记注册信息", default=False)
    is_current = models.BooleanField("现行", default=True)
    # {rule id: [points, [["record"|"list_entry", fact id], ...]]}; rules that scored 0 are left out.
    details = models.JSONField("计分明细", default=dict)

    class Meta:
        verbose_name = "评价结果"
        verbose_name_plural = "评价结果"
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=models.Q(is_current=True),
                name="uniq_current_grade",
            )
        ]
        indexes = [models.Index(fields=["subject", "computed_at"], name="grade_subject_history")]

    def __str__(self) -> str:
        return f"{self.grade}（{self.score}）"
