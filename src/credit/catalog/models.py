"""The public credit information catalog: information items, their versions and fields.

A Dataset is the stable identity of an item (code `penalty`); each change to its
definition creates a new DatasetVersion with its own Field rows, so records always know
exactly which rules they were validated against.
"""

from django.db import models


class Category(models.TextChoices):
    BASIC = "基础", "基础信息"
    GOOD = "良好", "良好信息"
    BAD = "不良", "不良信息"


class ShareAttr(models.TextChoices):
    UNCONDITIONAL = "无条件共享", "无条件共享"
    CONDITIONAL = "有条件共享", "有条件共享"
    NONE = "不予共享", "不予共享"


class OpenAttr(models.TextChoices):
    PUBLIC = "社会公开", "社会公开"
    ON_REQUEST = "依申请公开", "依申请公开"
    NONE = "不予公开", "不予公开"


class Dataset(models.Model):
    """An information item (信息事项) of the catalog."""

    code = models.SlugField("事项代码", max_length=50, unique=True)
    name = models.CharField("事项名称", max_length=100)
    current_version = models.ForeignKey(
        "DatasetVersion",
        verbose_name="当前版本",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = "信息事项"
        verbose_name_plural = "信息事项"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class DatasetVersion(models.Model):
    """One immutable version of an item's definition. Never edited once created."""

    dataset = models.ForeignKey(
        Dataset, verbose_name="信息事项", related_name="versions", on_delete=models.PROTECT
    )
    number = models.PositiveIntegerField("版本号")
    standard = models.CharField("数据标准版本", max_length=20, blank=True)
    name = models.CharField("事项名称", max_length=100)
    category = models.CharField("信息类别", max_length=10, choices=Category.choices)
    subject_kinds = models.JSONField("主体类别", default=list)
    providers = models.JSONField("提供单位", default=list, blank=True)
    legal_basis = models.TextField("设立依据", blank=True)
    share_attr = models.CharField("共享属性", max_length=10, choices=ShareAttr.choices)
    open_attr = models.CharField("开放属性", max_length=10, choices=OpenAttr.choices)
    publicity_rule = models.CharField("公示规则", max_length=50, blank=True)
    update_deadline_workdays = models.PositiveIntegerField("报送时限（工作日）", default=7)
    update_frequency = models.CharField("更新频率", max_length=50, blank=True)
    retention = models.CharField("保存期限", max_length=50, blank=True)
    definition = models.JSONField("定义原文")
    definition_hash = models.CharField("定义摘要", max_length=64)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "事项版本"
        verbose_name_plural = "事项版本"
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="uniq_dataset_version")
        ]
        ordering = ["dataset", "-number"]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class FieldType(models.TextChoices):
    TEXT = "text", "文本"
    DATE = "date", "日期"
    DECIMAL = "decimal", "数值"
    ENUM = "enum", "枚举"
    MULTI_ENUM = "multi_enum", "多选枚举"
    IDENTIFIER = "identifier", "证照代码"


class Field(models.Model):
    """A field of a dataset version: label, exchange code, type and rules."""

    version = models.ForeignKey(
        DatasetVersion, verbose_name="事项版本", related_name="fields", on_delete=models.CASCADE
    )
    position = models.PositiveIntegerField("序号")
    code = models.CharField("交换代码", max_length=50)
    label = models.CharField("中文名称", max_length=100)
    type = models.CharField("类型", max_length=20, choices=FieldType.choices)
    # Identifier kind for `identifier` fields: uscc, org_code, id_number, by_id_type.
    identifier = models.CharField("代码类型", max_length=20, blank=True)
    required = models.BooleanField("必填", default=False)
    # Conditional rules, e.g. {"field": "CF_XDR_LB", "in": ["自然人"]}.
    required_when = models.JSONField("条件必填", null=True, blank=True)
    max_length = models.PositiveIntegerField("最大长度", null=True, blank=True)
    enum_values = models.JSONField("枚举值", default=list, blank=True)
    # Free-text values allowed when they start with this prefix (e.g. "其他-").
    enum_free_prefix = models.CharField("自由取值前缀", max_length=10, blank=True)
    default = models.CharField("默认值", max_length=50, blank=True)
    masking = models.CharField("脱敏规则", max_length=20, blank=True)
    public = models.BooleanField("可公开", default=True)
    role = models.CharField("映射核心字段", max_length=30, blank=True)
    help = models.TextField("填写说明", blank=True)
    # Rules without a column of their own: separator, id_type_field, value_labels,
    # min_exclusive, not_future, not_before_field, aliases.
    rules = models.JSONField("其他规则", default=dict, blank=True)

    class Meta:
        verbose_name = "字段"
        verbose_name_plural = "字段"
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="uniq_field_code")]

    def __str__(self) -> str:
        return f"{self.label}（{self.code}）"
