"""Joint rewards and punishments (联合奖惩): business scenarios and the measure list (措施清单)."""

from __future__ import annotations

from django.db import models


class Scenario(models.Model):
    """A business where departments check subjects (行政审批, 政府采购, 招标投标 …)."""

    code = models.SlugField("场景代码", max_length=50, unique=True)
    name = models.CharField("场景名称", max_length=50, unique=True)
    position = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    # A check must name a business the department really does (核查须有事由): the credit
    # office limits each scenario to the departments that work in it.
    departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name="可使用的部门",
        blank=True,
        related_name="check_scenarios",
        help_text="留空表示所有部门均可在此场景下核查；选定后仅这些部门（及信用办）可用。",
    )

    class Meta:
        verbose_name = "应用场景"
        verbose_name_plural = "应用场景"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class MeasureClass(models.IntegerChoices):
    # domain.md §5: class 1 needs a legal basis because it restricts rights or adds duties.
    RIGHTS = 1, "第一类：限制权利或增加义务"
    MANAGEMENT = 2, "第二类：管理性措施"
    MARKET = 3, "第三类：市场或行业措施"


class MeasureKind(models.TextChoices):
    REWARD = "reward", "守信激励"
    PUNISHMENT = "punishment", "失信惩戒"


class Measure(models.Model):
    """One entry of the measure list: what may be done to whom, where, on which basis.

    No measure outside this list may be applied (domain.md §5), so a credit check offers
    only these, each with its legal basis.
    """

    code = models.SlugField("措施编码", max_length=50, unique=True)
    measure_class = models.PositiveSmallIntegerField("措施类别", choices=MeasureClass.choices)
    kind = models.CharField("措施性质", max_length=10, choices=MeasureKind.choices)
    list_types = models.ManyToManyField(
        "lists.ListType", verbose_name="适用名单", related_name="measures"
    )
    text = models.TextField("措施内容")
    legal_basis = models.TextField("法律依据")
    implementer = models.CharField("实施部门", max_length=200)
    # Who the measure reaches: the subject itself and, for organisations, the people behind it.
    applies_to_subject = models.BooleanField("适用于主体本身", default=True)
    applies_to_legal_rep = models.BooleanField("适用于法定代表人（负责人）", default=False)
    applies_to_responsible = models.BooleanField("适用于直接责任人员", default=False)
    # Which kinds of subject a measure fits (some only bind organisations, some only persons).
    for_organization = models.BooleanField("适用于法人及非法人组织", default=True)
    for_sole_trader = models.BooleanField("适用于个体工商户", default=True)
    for_person = models.BooleanField("适用于自然人", default=True)
    scenarios = models.ManyToManyField(
        Scenario, verbose_name="应用场景", related_name="measures", blank=True
    )
    period_note = models.CharField("实施期限", max_length=200, blank=True)
    active = models.BooleanField("启用", default=True)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "奖惩措施"
        verbose_name_plural = "奖惩措施"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"

    @property
    def targets_display(self) -> str:
        names = []
        if self.applies_to_subject:
            names.append("主体")
        if self.applies_to_legal_rep:
            names.append("法定代表人（负责人）")
        if self.applies_to_responsible:
            names.append("直接责任人员")
        return "、".join(names)
