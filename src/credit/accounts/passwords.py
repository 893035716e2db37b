"""The password policy (等保 2.0 level 3) as Django password validators, in Chinese.

Django's own validators speak English unless a translation is active, and the platform
shows Chinese only; these give every rule its Chinese message and help text. Django calls
each validator's `password_changed()` after a new password is saved, from every path
(console, admin, `credit changepassword`, services): the history validator uses it to
keep the recent hashes and the time of the change, so no path can skip the history.
"""

from __future__ import annotations

from django.contrib.auth import password_validation as django_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    # Anything else, including Chinese characters and spaces, counts as a symbol.
    ("特殊符号", lambda c: not (c.isascii() and c.isalnum())),
)


class LengthValidator:
    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码长度不能少于 {self.min_length} 个字符（当前 {len(password)} 个）",
                code="password_too_short",
            )

    def get_help_text(self):
        return f"密码长度不少于 {self.min_length} 个字符。"


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min(max(min_classes, 1), len(CLASSES))

    def validate(self, password, user=None):
        present = [name for name, test in CLASSES if any(test(c) for c in password)]
        if len(present) < self.min_classes:
            missing = "、".join(name for name, _ in CLASSES if name not in present)
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、特殊符号中的至少 {self.min_classes} 类"
                f"（当前 {len(present)} 类，缺少：{missing}）",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"须包含大写字母、小写字母、数字、特殊符号中的至少 {self.min_classes} 类。"


class UserSimilarityValidator:
    """Not the user name (nor the name or e-mail) in any form, nor close to it."""

    ATTRIBUTES = ("username", "full_name", "email")

    def __init__(self, max_similarity: float = 0.7):
        self._django = django_validation.UserAttributeSimilarityValidator(
            user_attributes=self.ATTRIBUTES, max_similarity=max_similarity
        )

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        username = (getattr(user, "username", "") or "").lower()
        # Django's ratio lets "Admin#2024xyz" through for user "admin": containing the user
        # name (or it reversed) is refused outright.
        contains = len(username) >= 3 and (username in lowered or username[::-1] in lowered)
        try:
            self._django.validate(password, user)
        except ValidationError:
            contains = True
        if contains:
            raise ValidationError(
                "密码不能包含用户名，也不能与用户名、姓名或电子邮箱过于相似",
                code="password_too_similar",
            )

    def get_help_text(self):
        return "不能包含用户名，也不能与用户名、姓名相似。"


class CommonPasswordValidator:
    def __init__(self):
        self._django = django_validation.CommonPasswordValidator()

    def validate(self, password, user=None):
        try:
            self._django.validate(password, user)
        except ValidationError:
            raise ValidationError(
                "密码过于常见，容易被猜中，请换一个", code="password_too_common"
            ) from None

    def get_help_text(self):
        return "不能使用常见密码。"


class NumericPasswordValidator:
    def validate(self, password, user=None):
        if password.isdigit():
            raise ValidationError("密码不能全部由数字组成", code="password_entirely_numeric")

    def get_help_text(self):
        return "不能全部由数字组成。"


class HistoryValidator:
    """Not the current password nor one of the last `history` ones; records each change."""

    def __init__(self, history: int = 5):
        self.history = max(history, 0)

    def _recent(self, user_pk: int) -> list[str]:
        from credit.accounts.models import PasswordHistory, User

        # The stored hash, not the in-memory one: a form may have set the new one already.
        hashes = list(User.objects.filter(pk=user_pk).values_list("password", flat=True))
        if self.history:
            hashes += list(
                PasswordHistory.objects.filter(user_id=user_pk).values_list("password", flat=True)[
                    : self.history
                ]
            )
        return [h for h in hashes if h]

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, old) for old in self._recent(user.pk)):
            raise ValidationError(
                f"新密码不能与当前密码或最近 {self.history} 次使用过的密码相同"
                if self.history
                else "新密码不能与当前密码相同",
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        from credit.accounts.models import PasswordHistory, User

        if user is None or user.pk is None:
            return
        now = timezone.now()
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            : max(self.history, 1)
        ]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self):
        return f"不能与最近 {self.history} 次使用过的密码相同。" if self.history else ""


def expired(user) -> bool:
    """The password is older than CREDIT_PASSWORD_MAX_AGE_DAYS."""
    from django.conf import settings

    days = settings.CREDIT_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return changed is not None and (timezone.now() - changed).days >= days


def change_required(user) -> str:
    """Why the user must change the password before anything else ("" when not)."""
    from django.conf import settings

    if not user.is_authenticated:
        return ""
    if user.must_change_password and settings.CREDIT_PASSWORD_FORCE_CHANGE:
        return "您的密码由他人设置（新建账号或管理员重置），请先修改为只有您知道的密码"
    if expired(user):
        return f"您的密码已超过 {settings.CREDIT_PASSWORD_MAX_AGE_DAYS} 天未修改，请修改密码"
    return ""
