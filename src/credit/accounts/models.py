"""Departments, staff users, roles and API clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Department(models.Model):
    """A data-providing unit (数据来源单位): a Benxi government department."""

    name = models.CharField("名称", max_length=100, unique=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region_code = models.CharField("行政区划代码", max_length=6, default="210500")
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT
    )
    is_credit_office = models.BooleanField("是否信用主管部门", default=False)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CREDIT_ADMIN = "credit_admin", "信用办管理员"
    OPERATOR = "operator", "部门操作员"
    AUDITOR = "auditor", "审计员"


class User(AbstractUser):
    """A staff account. Roles follow 等保 separation: admins, operators and auditors differ."""

    department = models.ForeignKey(
        Department, verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.OPERATOR)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    # Password policy (等保 2.0): a password someone else chose (account creation, admin
    # reset) must be replaced by its owner; every password expires after a while.
    must_change_password = models.BooleanField("须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def is_credit_admin(self) -> bool:
        return self.role == Role.CREDIT_ADMIN or self.is_superuser

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR


class Scope(models.TextChoices):
    RECORDS_WRITE = "records:write", "上报信用记录"
    RECORDS_READ = "records:read", "读取共享信用记录"
    CHECKS_RUN = "checks:run", "发起信用核查"
    NOTICES_READ = "notices:read", "接收撤回通知"
    EVALUATIONS_READ = "evaluations:read", "读取信用评价、双随机抽查"
    REPAIRS_DECIDE = "repairs:decide", "办理信用修复"
    OBJECTIONS_HANDLE = "objections:handle", "办理信用信息异议"
    COMMITMENTS_WRITE = "commitments:write", "登记和核查信用承诺"


class ApiClient(models.Model):
    """A registered system of a department that calls the API (审批、采购、招投标系统等)."""

    name = models.CharField("系统名称", max_length=100)
    department = models.ForeignKey(Department, verbose_name="所属部门", on_delete=models.PROTECT)
    scopes = models.JSONField("权限范围", default=list)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "接口调用系统"
        verbose_name_plural = "接口调用系统"

    def __str__(self) -> str:
        return f"{self.name}（{self.department.name}）"


class ApiToken(models.Model):
    """A bearer token of a client. Only a keyed hash of the secret is stored."""

    client = models.ForeignKey(
        ApiClient, verbose_name="调用系统", related_name="tokens", on_delete=models.CASCADE
    )
    # Public prefix lets us find the row without scanning; the secret part is only hashed.
    key_id = models.CharField("令牌标识", max_length=16, unique=True)
    secret_hash = models.CharField("密钥摘要", max_length=64)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"令牌 {self.key_id}"


class LoginAttempt(models.Model):
    """One login attempt by user name, kept to enforce the 等保 lockout rule.

    Keyed by the name typed rather than a user row so that unknown names lock the same way
    and the lockout does not reveal which accounts exist.
    """

    username = models.CharField("用户名", max_length=150, db_index=True)
    at = models.DateTimeField("时间", db_index=True)
    succeeded = models.BooleanField("是否成功", default=False)
    # Attempts made while locked are kept for the record but neither count nor extend the lock.
    during_lock = models.BooleanField("锁定期间尝试", default=False)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)

    class Meta:
        verbose_name = "登录尝试"
        verbose_name_plural = "登录尝试"
        ordering = ["-at", "-id"]


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so an old one cannot be used again."""

    user = models.ForeignKey(
        User, verbose_name="用户", related_name="password_history", on_delete=models.CASCADE
    )
    password = models.CharField("密码摘要", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]
