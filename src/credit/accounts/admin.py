"""Back-office screens for departments, staff accounts and API clients.

Token secrets are shown once, in the message after issuing, and never again: the token
inline shows only the key id, dates and state.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from credit.accounts import services
from credit.accounts.forms import AdminLoginForm
from credit.accounts.models import ApiClient, ApiToken, Department, LoginAttempt, Scope, User
from credit.audit.adminlog import ChangeLoggedAdminMixin
from credit.audit.services import log_change
from credit.core.actors import Actor
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.core.errors import ServiceError

# The admin login must honour the lockout and say so in Chinese.
admin.site.login_form = AdminLoginForm


def _actor(request) -> Actor:
    return Actor.for_user(request.user, getattr(request, "request_id", ""))


class NoDeleteAdminMixin:
    """Departments, users and clients are referenced by the logs: disable, never delete."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(ChangeLoggedAdminMixin, NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("name", "uscc", "region_code", "is_credit_office")
    list_filter = ("is_credit_office",)
    search_fields = ("name", "uscc")


@admin.register(User)
class UserAdmin(ChangeLoggedAdminMixin, NoDeleteAdminMixin, DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "is_active", "department")
    search_fields = ("username", "full_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("身份", {"fields": ("full_name", "role", "department", "email")}),
        (
            "状态",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "must_change_password",
                    "password_changed_at",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "role",
                    "department",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")

    def save_model(self, request, obj, form, change):
        if not change:
            # The admin chose this password: its owner replaces it at first login.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if (
            request.method == "POST"
            and response.status_code == 302
            and str(request.user.pk) != str(id)
        ):
            # A reset by an admin: the owner must replace it (等保: no shared secrets).
            User.objects.filter(pk=id).update(must_change_password=True)
            log_change(
                _actor(request),
                "user.reset_password",
                "User",
                id,
                after={"must_change_password": True},
            )
        return response


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fields = ("key_id", "created_at", "expires_at", "last_used_at", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ApiClientForm(forms.ModelForm):
    """Scopes are ticked from the known list: a typed JSON list took "checks" for
    "checks:run" without a word and the client then failed every call."""

    scopes = forms.MultipleChoiceField(
        label="权限范围",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ApiClient
        fields = ("name", "department", "scopes", "is_active")


@admin.register(ApiClient)
class ApiClientAdmin(ChangeLoggedAdminMixin, NoDeleteAdminMixin, admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "department", "scope_labels", "is_active", "created_at")
    list_filter = ("is_active", "department")
    search_fields = ("name",)
    inlines = [ApiTokenInline]
    actions = ["issue_token", "disable_clients"]

    @admin.display(description="权限范围")
    def scope_labels(self, client: ApiClient) -> str:
        labels = dict(Scope.choices)
        return "、".join(labels.get(scope, scope) for scope in client.scopes) or "（无）"

    @admin.action(description="签发新令牌（令牌只显示一次）")
    def issue_token(self, request, queryset):
        for client in queryset:
            try:
                token = services.issue_token(_actor(request), client)
            except ServiceError as exc:
                self.message_user(request, f"{client}：{exc.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"{client} 的新令牌（请立即妥善保存，之后无法再次查看）：{token}",
                messages.WARNING,
            )

    @admin.action(description="停用所选系统")
    def disable_clients(self, request, queryset):
        for client in queryset:
            services.disable_client(_actor(request), client)
        self.message_user(request, "已停用所选系统")


@admin.register(ApiToken)
class ApiTokenAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("key_id", "client", "created_at", "expires_at", "last_used_at", "is_active")
    list_filter = ("is_active",)
    search_fields = ("key_id", "client__name")
    fields = ("client", "key_id", "created_at", "expires_at", "last_used_at", "is_active")
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description="吊销所选令牌", permissions=["view"])
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(_actor(request), token.pk)
        self.message_user(request, "已吊销所选令牌")


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "username", "succeeded", "during_lock", "locked_until", "ip_address")
    list_filter = ("succeeded", ("at", admin.DateFieldListFilter))
    search_fields = ("username", "ip_address")
