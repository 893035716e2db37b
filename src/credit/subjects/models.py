"""The subject registry (信用主体): companies, organisations, sole traders and persons."""

from django.db import models


class SubjectKind(models.TextChoices):
    ORGANIZATION = "organization", "法人及非法人组织"
    SOLE_TRADER = "sole_trader", "个体工商户"
    PERSON = "person", "自然人"


class RegStatus(models.TextChoices):
    """登记状态 of a registered organisation (registration dataset); readers such as
    evaluation and reports test these values, never the Chinese labels."""

    ACTIVE = "active", "存续"
    REVOKED = "revoked", "吊销"
    DEREGISTERED = "deregistered", "注销"
    MOVED_OUT = "moved_out", "迁出"
    CANCELLED = "cancelled", "撤销"


class Subject(models.Model):
    """One credit subject.

    Identity comes from the USCC (organisations, sole traders) or the ID number
    (persons, kept only as SM4 ciphertext plus an HMAC-SM3 digest). A subject known only
    by name is `verified=False` and is never merged with another by name.
    """

    public_id = models.CharField("公开标识", max_length=22, unique=True)
    kind = models.CharField("主体类别", max_length=20, choices=SubjectKind.choices)
    name = models.CharField("名称", max_length=200)
    # Normalised name (full-width → half-width, brackets and spaces unified) for search.
    name_norm = models.CharField("规范化名称", max_length=200, db_index=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
    org_code = models.CharField("组织机构代码", max_length=10, blank=True)
    id_cipher = models.TextField("身份证号密文", blank=True)
    id_digest = models.CharField("身份证号摘要", max_length=64, null=True, blank=True, unique=True)
    legal_rep = models.CharField("法定代表人", max_length=100, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    # From the newest registration (SubjectRegistration); empty when none was received.
    # A database default: imports insert subjects with set-based SQL naming their columns.
    reg_status = models.CharField(
        "登记状态", max_length=20, choices=RegStatus.choices, blank=True, db_default=""
    )
    verified = models.BooleanField("已核验身份", default=True)
    needs_review = models.BooleanField("待人工核对", default=False)
    # Set when the credit office merged this subject into another (subjects.review): its
    # records and list entries moved there, its pages redirect, search leaves it out.
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并至",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
        # Almost always NULL and never searched by (SubjectMerge is): no index to maintain
        # on every subject an import inserts. No database constraint either: SQLite checks
        # a deferred self-reference on every inserted parent row, which without the index
        # is a scan of the table per new subject. Only review.services writes the column.
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信用主体"
        verbose_name_plural = "信用主体"
        indexes = [
            models.Index(fields=["kind", "region_code"], name="subject_kind_region"),
            # The review queue reads the few flagged subjects among a million.
            models.Index(
                fields=["needs_review"],
                condition=models.Q(needs_review=True),
                name="subject_needs_review",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubjectNameHistory(models.Model):
    """A former name of a subject, kept when a newer record carries a different name."""

    subject = models.ForeignKey(
        Subject, verbose_name="信用主体", related_name="former_names", on_delete=models.CASCADE
    )
    name = models.CharField("曾用名", max_length=200)
    replaced_at = models.DateTimeField("变更时间", auto_now_add=True)
    source = models.CharField("来源", max_length=100, blank=True)

    class Meta:
        verbose_name = "名称变更记录"
        verbose_name_plural = "名称变更记录"
        ordering = ["-replaced_at"]


class SubjectNameSeen(models.Model):
    """A name a department's row gave a verified subject that differs from its registered
    name (linking's `name_mismatch`): kept until the credit office keeps the registered
    name or adopts this one."""

    subject = models.ForeignKey(
        Subject, verbose_name="信用主体", related_name="names_seen", on_delete=models.CASCADE
    )
    name = models.CharField("报送名称", max_length=200)
    name_norm = models.CharField("规范化名称", max_length=200)
    first_seen_at = models.DateTimeField("首次出现时间")
    source = models.CharField("首次出现来源", max_length=100, blank=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    # "kept" (registered name stays) or "adopted" (this name became the subject's name).
    resolution = models.CharField("处理结果", max_length=10, blank=True)
    resolved_by = models.CharField("处理人", max_length=150, blank=True)

    class Meta:
        verbose_name = "报送的不同名称"
        verbose_name_plural = "报送的不同名称"
        ordering = ["first_seen_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "name_norm"], name="uniq_subject_name_seen")
        ]


class SubjectMerge(models.Model):
    """The credit office merged `merged` into `survivor`: what moved, so undo restores it.

    `moved` holds the ids of every row repointed ({"records": [...], "list_entries": [...]})
    and `merged_before` / `survivor_before` the review flags the merge changed. The merged
    subject keeps its row and public id (`Subject.merged_into`), so its addresses redirect.
    """

    survivor = models.ForeignKey(
        Subject, verbose_name="保留主体", related_name="merges_in", on_delete=models.PROTECT
    )
    merged = models.ForeignKey(
        Subject, verbose_name="被合并主体", related_name="merges_out", on_delete=models.PROTECT
    )
    reason = models.TextField("合并理由")
    merged_at = models.DateTimeField("合并时间")
    merged_by = models.CharField("合并人", max_length=150)
    moved = models.JSONField("转移的数据", default=dict)
    merged_before = models.JSONField("被合并主体原状态", default=dict)
    survivor_before = models.JSONField("保留主体原状态", default=dict)
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.CharField("撤销人", max_length=150, blank=True)
    undo_reason = models.TextField("撤销理由", blank=True)

    class Meta:
        verbose_name = "主体合并"
        verbose_name_plural = "主体合并"
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"主体合并 #{self.pk}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None

    def moved_count(self, key: str) -> int:
        return len(self.moved.get(key, []))


class DistinctConfirmation(models.Model):
    """The credit office confirmed two subjects are different ones (never to be merged on
    the name signal). Stored once per pair, lower id first."""

    subject_a = models.ForeignKey(
        Subject, verbose_name="主体甲", related_name="+", on_delete=models.CASCADE
    )
    subject_b = models.ForeignKey(
        Subject, verbose_name="主体乙", related_name="+", on_delete=models.CASCADE
    )
    reason = models.TextField("确认理由")
    confirmed_at = models.DateTimeField("确认时间")
    confirmed_by = models.CharField("确认人", max_length=150)

    class Meta:
        verbose_name = "确认为不同主体"
        verbose_name_plural = "确认为不同主体"
        constraints = [
            models.UniqueConstraint(fields=["subject_a", "subject_b"], name="uniq_distinct_pair"),
            models.CheckConstraint(
                condition=models.Q(subject_a__lt=models.F("subject_b")),
                name="distinct_pair_ordered",
            ),
        ]


class SubjectRegistration(models.Model):
    """One version of a subject's registration (登记注册基本信息), as a registration record
    carried it. The version with `superseded_at` empty is the current one, whose status
    the subject row repeats (`Subject.reg_status`); older versions are the history.

    The registered name is kept as sent: it renames the subject only when the credit
    office adopts it (linking's name_mismatch review), never by itself.
    """

    subject = models.ForeignKey(
        Subject, verbose_name="信用主体", related_name="registrations", on_delete=models.CASCADE
    )
    name = models.CharField("登记名称", max_length=200)
    entity_type = models.CharField("主体类型", max_length=20, blank=True)
    legal_rep = models.CharField("法定代表人/负责人/经营者", max_length=100, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    capital = models.DecimalField(
        "注册资本（万元）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    address = models.CharField("住所/经营场所", max_length=500, blank=True)
    business_scope = models.TextField("经营范围", blank=True)
    term_from = models.DateField("营业期限自", null=True, blank=True)
    term_to = models.DateField("营业期限至", null=True, blank=True)
    authority = models.CharField("登记机关", max_length=200, blank=True)
    authority_uscc = models.CharField("登记机关统一社会信用代码", max_length=18, blank=True)
    status = models.CharField("登记状态", max_length=20, choices=RegStatus.choices)
    approved_on = models.DateField("核准日期")
    # The record it came from (no foreign key: records are above subjects).
    source_record_id = models.BigIntegerField("来源记录", null=True, blank=True)
    source = models.CharField("来源", max_length=100, blank=True)
    recorded_at = models.DateTimeField("记录时间")
    superseded_at = models.DateTimeField("被取代时间", null=True, blank=True)

    class Meta:
        verbose_name = "登记注册信息"
        verbose_name_plural = "登记注册信息"
        ordering = ["-approved_on", "-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=models.Q(superseded_at__isnull=True),
                name="uniq_current_registration",
            )
        ]
        indexes = [models.Index(fields=["subject", "approved_on"], name="registration_subject")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_status_display()}，{self.approved_on}）"
