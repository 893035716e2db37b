"""Back office: receivers and their push addresses, the notices, the push log."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from credit.audit.adminlog import ChangeLoggedAdminMixin, actor_of
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.core.errors import ServiceError
from credit.notices import receipts, services, webhooks
from credit.notices.models import DeliveryAttempt, Notice, Recipient


class RecipientForm(forms.ModelForm):
    class Meta:
        model = Recipient
        fields = ["client", "webhook_url"]
        help_texts = {
            "webhook_url": "只支持 http/https；不能指向内网地址（白名单 CREDIT_NOTICE_WEBHOOK_"
            "ALLOWED_HOSTS 除外）。留空表示取消推送。保存后显示一次签名密钥。",
        }

    def clean_webhook_url(self):
        url = (self.cleaned_data.get("webhook_url") or "").strip()
        if url:
            try:
                webhooks.check_url(url)
            except ServiceError as exc:
                raise forms.ValidationError(exc.message) from None
        return url

    def clean_client(self):
        client = self.cleaned_data.get("client")
        if self.instance.pk is None and client is None:
            raise forms.ValidationError("请选择接口调用系统")
        return client


@admin.register(Recipient)
class RecipientAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    """The credit office registers (or cancels) a system's push address; the service logs it."""

    change_logged_by_service = True
    form = RecipientForm
    list_display = [
        "__str__",
        "webhook_url",
        "last_seq",
        "delivered_seq",
        "failures",
        "next_attempt_at",
    ]
    search_fields = ["client__name", "department__name", "webhook_url"]
    readonly_fields = ["last_seq", "delivered_seq", "failures", "next_attempt_at", "webhook_since"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["client", "department", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        actor = actor_of(request)
        if obj.pk is None:
            key = ("client", form.cleaned_data["client"].pk)
            obj.pk = receipts.recipients_for({key})[key]
        secret = services.set_webhook(
            actor, form.cleaned_data.get("webhook_url", ""), recipient=Recipient(pk=obj.pk)
        )
        obj.refresh_from_db()
        if secret:
            messages.warning(request, f"回调签名密钥（只显示这一次，请转交对方系统保存）：{secret}")


@admin.register(Notice)
class NoticeAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "uid",
        "recipient",
        "seq",
        "action_label",
        "dataset_name",
        "document_number",
        "subject_name",
        "created_at",
    ]
    list_filter = ["action", "via", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["document_number", "subject_name", "subject_public_id"]
    list_select_related = ["recipient__client", "recipient__department"]
    raw_id_fields = ["recipient"]
    exclude = ["fact_id", "subject", "event"]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "recipient", "notice_seq", "ok", "status_code", "error", "elapsed_ms"]
    list_filter = ["ok", ("at", admin.DateFieldListFilter)]
    list_select_related = ["recipient__client", "recipient__department", "notice"]
    raw_id_fields = ["recipient", "notice"]

    @admin.display(description="通知序号", ordering="notice__seq")
    def notice_seq(self, attempt: DeliveryAttempt) -> int:
        return attempt.notice.seq
