"""Back-office screens for departments, staff accounts and API clients.

Token secrets are shown once, in the message after issuing, and never again: the token
inline shows only the key id, dates and state.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from credit.accounts import services, tokens
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


def token_state(token: ApiToken, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if not token.is_active:
        return "已吊销"
    if token.expires_at is None:
        return "有效（无有效期）"
    if token.expires_at <= now:
        return "已过期"
    left = token.expires_at - now
    if left <= timedelta(days=settings.CREDIT_API_TOKEN_WARN_DAYS):
        return f"即将过期（剩余 {left.days} 天）"
    return "有效"


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    fields = ("key_id", "created_at", "expires_at", "last_used_at", "state", "revoke_link")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="状态")
    def state(self, token: ApiToken) -> str:
        return token_state(token)

    @admin.display(description="操作")
    def revoke_link(self, token: ApiToken) -> str:
        # A link to a confirmation page: a form cannot sit inside the change form.
        if not token.pk or not token.is_active:
            return "—"
        url = reverse("admin:accounts_apiclient_revoke_token", args=[token.client_id, token.pk])
        return format_html('<a class="deletelink" href="{}">吊销</a>', url)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IssueTokenForm(forms.Form):
    expires_at = forms.DateField(
        label="有效期至",
        required=False,
        help_text="留空则按默认有效期签发；令牌在所填日期当天结束时失效。",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_at(self):
        day = self.cleaned_data.get("expires_at")
        if day is None:
            return None
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
        if end <= timezone.now():
            raise forms.ValidationError("有效期不能早于今天")
        return end


method_decorator_never_cache = method_decorator(never_cache)


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

    def get_urls(self):
        own = [
            path(
                "<int:client_id>/issue-token/",
                self.admin_site.admin_view(self.issue_token_view),
                name="accounts_apiclient_issue_token",
            ),
            path(
                "<int:client_id>/tokens/<int:token_id>/revoke/",
                self.admin_site.admin_view(self.revoke_token_view),
                name="accounts_apiclient_revoke_token",
            ),
        ]
        return own + super().get_urls()

    def _client_for_change(self, request, client_id: int) -> ApiClient:
        client = ApiClient.objects.select_related("department").filter(pk=client_id).first()
        if client is None:
            raise Http404("接口调用系统不存在")
        if not self.has_change_permission(request, client):
            raise PermissionDenied
        return client

    def _page(self, request, template: str, title: str, **context) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **context,
        }
        return TemplateResponse(request, f"admin/accounts/apiclient/{template}", context)

    def _shown_once(self, request, issued: list, failed: list) -> TemplateResponse:
        """The new tokens, in this answer only: never put into a message (the message
        cookie would carry the secret), never cached by the browser or a proxy."""
        response = self._page(
            request, "token_issued.html", "新令牌（只显示一次）", issued=issued, failed=failed
        )
        response["Cache-Control"] = "no-store"
        return response

    @method_decorator_never_cache
    def issue_token_view(self, request, client_id: int):
        client = self._client_for_change(request, client_id)
        form = IssueTokenForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                token = services.issue_token(
                    _actor(request), client, expires_at=form.cleaned_data["expires_at"]
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                row = ApiToken.objects.get(key_id=tokens.parse_token(token)[0])
                return self._shown_once(request, [(client, token, row)], [])
        return self._page(
            request,
            "issue_token.html",
            f"为“{client.name}”签发新令牌",
            client=client,
            form=form,
            default_days=settings.CREDIT_API_TOKEN_DAYS,
        )

    @method_decorator_never_cache
    def revoke_token_view(self, request, client_id: int, token_id: int):
        client = self._client_for_change(request, client_id)
        token = ApiToken.objects.filter(pk=token_id, client=client).first()
        if token is None:
            raise Http404("令牌不存在")
        change_url = reverse("admin:accounts_apiclient_change", args=[client.pk])
        if request.method == "POST":
            services.revoke_token(_actor(request), token.pk)
            self.message_user(request, f"已吊销令牌 {token.key_id}")
            return HttpResponseRedirect(change_url)
        return self._page(
            request,
            "revoke_token.html",
            f"吊销令牌 {token.key_id}",
            client=client,
            token=token,
            state=token_state(token),
            change_url=change_url,
        )

    @admin.action(description="签发新令牌（令牌只显示一次）")
    def issue_token(self, request, queryset):
        issued, failed = [], []
        for client in queryset:
            try:
                token = services.issue_token(_actor(request), client)
            except ServiceError as exc:
                failed.append(f"{client}：{exc.message}")
                continue
            row = ApiToken.objects.get(key_id=tokens.parse_token(token)[0])
            issued.append((client, token, row))
        return self._shown_once(request, issued, failed)

    @admin.action(description="停用所选系统")
    def disable_clients(self, request, queryset):
        for client in queryset:
            services.disable_client(_actor(request), client)
        self.message_user(request, "已停用所选系统")


class ExpiryFilter(admin.SimpleListFilter):
    """The credit office's list of tokens to replace before the systems using them stop."""

    title = "有效期"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return (
            ("soon", f"{settings.CREDIT_API_TOKEN_WARN_DAYS} 天内到期（含已过期未吊销）"),
            ("expired", "已过期"),
            ("none", "无有效期"),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "soon":
            return queryset.filter(pk__in=tokens.expiring(now).values("pk"))
        if self.value() == "expired":
            return queryset.filter(expires_at__lte=now)
        if self.value() == "none":
            return queryset.filter(expires_at__isnull=True)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("key_id", "client", "created_at", "expires_at", "last_used_at", "state")
    list_filter = (ExpiryFilter, "is_active")
    ordering = ("expires_at", "pk")

    @admin.display(description="状态")
    def state(self, token: ApiToken) -> str:
        return token_state(token)

    search_fields = ("key_id", "client__name")
    fields = ("client", "key_id", "created_at", "expires_at", "last_used_at", "is_active")
    readonly_fields = fields
    actions = ["revoke"]

    def has_revoke_permission(self, request) -> bool:
        # The token admin is read-only (tokens change only through services); revoking is
        # the credit admin's, never the auditor's, who reads this list.
        return bool(getattr(request.user, "is_credit_admin", False))

    @admin.action(description="吊销所选令牌", permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(_actor(request), token.pk)
        self.message_user(request, "已吊销所选令牌")


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "username", "succeeded", "during_lock", "locked_until", "ip_address")
    list_filter = ("succeeded", ("at", admin.DateFieldListFilter))
    search_fields = ("username", "ip_address")


# Platform tables that are not an app's own register from here: see system_admin's docstring.
from credit.accounts import system_admin  # noqa: E402, F401
