"""Red and black lists (红黑名单): list types and the entries made under them (domain.md §5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Color(models.TextChoices):
    RED = "red", "红名单"
    BLACK = "black", "黑名单"


class ListType(models.Model):
    """A lawful list (e.g. 重大税收违法失信主体) with its procedure settings.

    Shipped types are seeded from domain.md §5 and stay editable: periods and the statement
    window differ between places and change with the rules.
    """

    code = models.SlugField("名单代码", max_length=50, unique=True)
    name = models.CharField("名单名称", max_length=100, unique=True)
    color = models.CharField("名单类别", max_length=5, choices=Color.choices)
    legal_basis = models.TextField("认定依据")
    # National lists decided outside the city (courts, customs) have no local department.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="认定部门",
        null=True,
        blank=True,
        related_name="list_types",
        on_delete=models.PROTECT,
    )
    authority_label = models.CharField(
        "认定机关说明", max_length=100, blank=True, help_text="无本市认定部门时填写，如“人民法院”"
    )
    default_period_months = models.PositiveIntegerField(
        "默认有效期（月）", null=True, blank=True, help_text="留空表示无固定期限或由决定确定"
    )
    max_period_months = models.PositiveIntegerField(
        "最长有效期（月）", null=True, blank=True, help_text="决定书确定的期限不得超过此值"
    )
    early_removal_allowed = models.BooleanField("可申请提前移出", default=False)
    early_removal_after_months = models.PositiveIntegerField(
        "列入满几个月可申请提前移出", null=True, blank=True
    )
    statement_workdays = models.PositiveIntegerField("陈述申辩期（工作日）", default=5)
    active = models.BooleanField("启用", default=True)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "名单类型"
        verbose_name_plural = "名单类型"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_color_display()}）"

    @property
    def authority_display(self) -> str:
        return self.department.name if self.department_id else self.authority_label


class EntryState(models.TextChoices):
    NOTIFIED = "notified", "已告知（陈述申辩期）"
    DECIDED = "decided", "已决定"
    PUBLISHED = "published", "已公开"
    REMOVED = "removed", "已移出"
    WITHDRAWN = "withdrawn", "不予列入"


class RemovalKind(models.TextChoices):
    EXPIRY = "expiry", "期满移出"
    APPLICATION = "application", "申请提前移出"
    REVOKED = "revoked", "决定撤销"
    REPAIR = "repair", "信用修复"


class Source(models.TextChoices):
    CONSOLE = "console", "工作台录入"
    IMPORT = "import", "归集导入"


IN_FORCE_STATES = (EntryState.DECIDED, EntryState.PUBLISHED)


class ListEntry(models.Model):
    """One subject on one list, carried through 告知 → 陈述申辩 → 决定 → 公开 → 移出.

    Only lists/services.py changes the state; every step is dated here and in
    ListEntryEvent. Whether an entry is in force on a day is decided by dates
    (lists/queries.py), so an entry leaves every view on the day after its period ends even
    before the expiry job has marked it removed.
    """

    list_type = models.ForeignKey(
        ListType, verbose_name="名单类型", related_name="entries", on_delete=models.PROTECT
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name="信用主体",
        related_name="list_entries",
        on_delete=models.PROTECT,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name="认定部门",
        null=True,
        blank=True,
        related_name="list_entries",
        on_delete=models.PROTECT,
    )
    authority_name = models.CharField("认定机关", max_length=200, blank=True)
    authority_uscc = models.CharField("认定机关代码", max_length=18, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=EntryState.choices, default=EntryState.NOTIFIED
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    source_record = models.ForeignKey(
        "records.Record",
        verbose_name="来源记录",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )

    # 告知
    notice_number = models.CharField("告知书文号", max_length=128, blank=True)
    notice_date = models.DateField("告知日期", null=True, blank=True)
    notice_served_how = models.CharField("送达方式", max_length=50, blank=True)
    reasons = models.TextField("拟列入理由", blank=True)
    # 陈述申辩
    statement_deadline = models.DateField("陈述申辩截止日", null=True, blank=True)
    statement_waived = models.BooleanField("当事人放弃陈述申辩", default=False)
    # The written waiver: when it was signed and which document proves it (never public).
    statement_waived_on = models.DateField("书面放弃陈述申辩日期", null=True, blank=True)
    statement_waiver_number = models.CharField("放弃陈述申辩书文号", max_length=128, blank=True)
    statement_waiver_file = models.CharField(
        "放弃陈述申辩书面材料（存储名）", max_length=255, blank=True
    )
    statement_waiver_file_name = models.CharField(
        "放弃陈述申辩书面材料（原文件名）", max_length=255, blank=True
    )
    statement_text = models.TextField("陈述申辩意见", blank=True)
    statement_answer = models.TextField("核实答复", blank=True)
    statement_recorded_at = models.DateTimeField("陈述申辩登记时间", null=True, blank=True)
    # 决定
    decision_number = models.CharField("决定书文号", max_length=128, blank=True)
    decision_key = models.CharField("规范化决定书文号", max_length=128, blank=True)
    decision_date = models.DateField("决定日期", null=True, blank=True)
    facts = models.TextField("认定事实", blank=True)
    basis = models.TextField("认定依据", blank=True)
    measures_note = models.TextField("惩戒或激励措施", blank=True)
    period_start = models.DateField("有效期自", null=True, blank=True)
    period_end = models.DateField("有效期至", null=True, blank=True)
    # 公开
    published_on = models.DateField("公开日期", null=True, blank=True)
    # 移出
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal_kind = models.CharField(
        "移出方式", max_length=12, choices=RemovalKind.choices, blank=True
    )
    removal_reason = models.TextField("移出理由", blank=True)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "名单条目"
        verbose_name_plural = "名单条目"
        ordering = ["-decision_date", "-id"]
        constraints = [
            # One decision puts one subject on a list once; imports rely on it.
            models.UniqueConstraint(
                fields=["list_type", "decision_key"],
                condition=~Q(decision_key=""),
                name="uniq_list_entry_decision",
            )
        ]
        indexes = [
            models.Index(fields=["subject", "state"], name="listentry_subject_state"),
            models.Index(fields=["list_type", "state"], name="listentry_type_state"),
            models.Index(fields=["state", "period_end"], name="listentry_state_end"),
        ]

    def __str__(self) -> str:
        return f"{self.list_type.name}：{self.subject_id}"


ACTION_LABELS = {
    "notify": "告知",
    "statement": "登记陈述申辩",
    "waive_statement": "放弃陈述申辩",
    "withdraw": "不予列入",
    "decide": "作出列入决定",
    "enter_decided": "录入列入决定",
    "publish": "公开",
    "remove_expiry": "期满移出",
    "remove_application": "申请提前移出",
    "remove_revoked": "决定撤销移出",
}


class ListEntryEvent(models.Model):
    """One step of an entry's procedure: from which state to which, when, by whom."""

    entry = models.ForeignKey(
        ListEntry, verbose_name="名单条目", related_name="events", on_delete=models.CASCADE
    )
    from_state = models.CharField("原状态", max_length=10, choices=EntryState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=10, choices=EntryState.choices)
    action = models.CharField("操作", max_length=30)
    on = models.DateField("生效日期")
    at = models.DateTimeField("操作时间", auto_now_add=True)
    actor_label = models.CharField("操作者", max_length=150)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "名单程序记录"
        verbose_name_plural = "名单程序记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        # The admin's inline rows are titled by this ("ListEntryEvent object (39)" before).
        return f"{self.on.isoformat() if self.on else ''} {self.action_display}".strip()

    @property
    def action_display(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)
