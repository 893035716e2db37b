"""The subject registry (信用主体): companies, organisations, sole traders and persons."""

from django.db import models


class SubjectKind(models.TextChoices):
    ORGANIZATION = "organization", "法人及非法人组织"
    SOLE_TRADER = "sole_trader", "个体工商户"
    PERSON = "person", "自然人"


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
    verified = models.BooleanField("已核验身份", default=True)
    needs_review = models.BooleanField("待人工核对", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "信用主体"
        verbose_name_plural = "信用主体"
        indexes = [models.Index(fields=["kind", "region_code"], name="subject_kind_region")]

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
