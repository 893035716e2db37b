"""Every write to departments, users and API clients. Passwords and secrets are never logged."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from credit.accounts import tokens
from credit.accounts.models import ApiClient, ApiToken, Department, Role, Scope, User
from credit.audit.services import log_change
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.core.identifiers import IdentifierError, validate_uscc

DEPARTMENTS_FILE = Path(__file__).with_name("departments.yaml")


def _require_credit_admin(actor: Actor) -> None:
    if not actor.is_credit_admin:
        raise PermissionDenied("只有信用办管理员可以管理部门、用户和接口调用系统")


# --- departments ---------------------------------------------------------------------------


def load_department_data(path: Path = DEPARTMENTS_FILE) -> list[dict]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in entries:
        try:
            entry["uscc"] = validate_uscc(str(entry["uscc"]))
        except IdentifierError as exc:
            raise ServiceError(
                "invalid_department_uscc", f"部门“{entry.get('name')}”：{exc.message}"
            ) from exc
        entry.setdefault("is_credit_office", False)
    return entries


def _department_snapshot(department: Department) -> dict:
    return {
        "name": department.name,
        "uscc": department.uscc,
        "region_code": department.region_code,
        "is_credit_office": department.is_credit_office,
    }


@transaction.atomic
def seed_departments(actor: Actor, path: Path = DEPARTMENTS_FILE) -> int:
    """Create or update the shipped departments, matched by USCC. Returns how many changed."""
    _require_credit_admin(actor)
    changed = 0
    for entry in load_department_data(path):
        department = Department.objects.filter(uscc=entry["uscc"]).first()
        wanted = {
            "name": entry["name"],
            "region_code": str(entry.get("region_code", "210500")),
            "is_credit_office": bool(entry["is_credit_office"]),
        }
        if department is None:
            department = Department.objects.create(uscc=entry["uscc"], **wanted)
            log_change(
                actor,
                "department.create",
                "Department",
                department.pk,
                after=_department_snapshot(department),
            )
            changed += 1
            continue
        before = _department_snapshot(department)
        if all(getattr(department, k) == v for k, v in wanted.items()):
            continue
        for key, value in wanted.items():
            setattr(department, key, value)
        department.save()
        log_change(
            actor,
            "department.update",
            "Department",
            department.pk,
            before=before,
            after=_department_snapshot(department),
        )
        changed += 1
    return changed


# --- users ---------------------------------------------------------------------------------


def _user_snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "department_id": user.department_id,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


def _check_password(password: str, user: User) -> None:
    # Services also run from commands and jobs where no request activated a language.
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError(
                "weak_password", "密码不符合要求：" + "；".join(exc.messages)
            ) from exc


@transaction.atomic
def create_user(
    actor: Actor,
    username: str,
    password: str,
    role: str,
    department: Department | None,
    full_name: str = "",
) -> User:
    _require_credit_admin(actor)
    username = (username or "").strip()
    if not username:
        raise ServiceError("username_required", "用户名不能为空")
    if role not in Role.values:
        raise ServiceError("invalid_role", f"未知的角色：{role}")
    if role == Role.OPERATOR and department is None:
        raise ServiceError("department_required", "部门操作员必须指定所属部门")
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError("username_taken", f"用户名“{username}”已被使用")
    user = User(
        username=username,
        role=role,
        department=department,
        full_name=full_name.strip(),
        # Someone else chose this password: its owner replaces it at first login.
        must_change_password=True,
        # Admins configure the platform in the admin site; auditors read the logs there.
        is_staff=role in (Role.CREDIT_ADMIN, Role.AUDITOR),
        is_superuser=role == Role.CREDIT_ADMIN,
    )
    _check_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ServiceError("username_taken", f"用户名“{username}”已被使用") from exc
    log_change(actor, "user.create", "User", user.pk, after=_user_snapshot(user))
    return user


@transaction.atomic
def set_user_active(actor: Actor, user: User, active: bool) -> User:
    _require_credit_admin(actor)
    if not active and actor.user is not None and actor.user.pk == user.pk:
        raise ServiceError("cannot_disable_self", "不能停用当前登录的账号")
    if user.is_active == active:
        return user
    before = _user_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    log_change(
        actor,
        "user.enable" if active else "user.disable",
        "User",
        user.pk,
        before=before,
        after=_user_snapshot(user),
    )
    return user


@transaction.atomic
def set_user_password(actor: Actor, user: User, password: str) -> User:
    """An admin resets a password, or a user changes their own."""
    if not actor.is_credit_admin and (actor.user is None or actor.user.pk != user.pk):
        raise PermissionDenied("只能修改自己的密码")
    _check_password(password, user)
    user.set_password(password)
    # A password set by someone else (an admin's reset) is replaced by its owner at once.
    user.must_change_password = actor.user is None or actor.user.pk != user.pk
    user.save(update_fields=["password", "must_change_password"])
    log_change(
        actor,
        "user.set_password",
        "User",
        user.pk,
        after={"username": user.username, "must_change_password": user.must_change_password},
    )
    return user


@transaction.atomic
def change_own_password(actor: Actor, old_password: str, new_password: str) -> User:
    """A signed-in user replaces their own password (console 修改密码)."""
    user = actor.user
    if user is None:
        raise PermissionDenied("请先登录")
    if not user.check_password(old_password):
        raise ServiceError("wrong_password", "当前密码不正确")
    return set_user_password(actor, user, new_password)


# --- API clients and tokens ----------------------------------------------------------------


def _client_snapshot(client: ApiClient) -> dict:
    return {
        "name": client.name,
        "department_id": client.department_id,
        "scopes": list(client.scopes),
        "is_active": client.is_active,
    }


def _token_snapshot(token: ApiToken) -> dict:
    return {
        "client_id": token.client_id,
        "key_id": token.key_id,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "is_active": token.is_active,
    }


@transaction.atomic
def create_client(actor: Actor, name: str, department: Department, scopes: list[str]) -> ApiClient:
    _require_credit_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ServiceError("client_name_required", "系统名称不能为空")
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise ServiceError("invalid_scope", "未知的权限范围：" + "、".join(unknown))
    client = ApiClient.objects.create(name=name, department=department, scopes=sorted(set(scopes)))
    log_change(actor, "api_client.create", "ApiClient", client.pk, after=_client_snapshot(client))
    return client


@transaction.atomic
def disable_client(actor: Actor, client: ApiClient) -> ApiClient:
    _require_credit_admin(actor)
    if not client.is_active:
        return client
    before = _client_snapshot(client)
    client.is_active = False
    client.save(update_fields=["is_active"])
    log_change(
        actor,
        "api_client.disable",
        "ApiClient",
        client.pk,
        before=before,
        after=_client_snapshot(client),
    )
    return client


@transaction.atomic
def issue_token(actor: Actor, client: ApiClient, expires_at: datetime | None = None) -> str:
    """Create a token and return it in full. This is the only time the secret exists.

    Without `expires_at` the token lives CREDIT_API_TOKEN_DAYS (default 365 days)."""
    _require_credit_admin(actor)
    if not client.is_active:
        raise ServiceError("client_disabled", "该接口调用系统已停用，不能签发令牌")
    if expires_at is not None and expires_at <= timezone.now():
        raise ServiceError("expiry_in_past", "令牌过期时间必须晚于当前时间")
    if expires_at is None:
        expires_at = tokens.default_expiry()
    secret = tokens.new_secret()
    token = ApiToken.objects.create(
        client=client,
        key_id=tokens.new_key_id(),
        secret_hash=tokens.hash_secret(secret),
        expires_at=expires_at,
    )
    log_change(actor, "api_token.issue", "ApiToken", token.pk, after=_token_snapshot(token))
    return tokens.format_token(token.key_id, secret)


@transaction.atomic
def revoke_token(actor: Actor, token_id: int) -> ApiToken:
    _require_credit_admin(actor)
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound("令牌不存在")
    if not token.is_active:
        return token
    before = _token_snapshot(token)
    token.is_active = False
    token.save(update_fields=["is_active"])
    log_change(
        actor,
        "api_token.revoke",
        "ApiToken",
        token.pk,
        before=before,
        after=_token_snapshot(token),
    )
    return token
