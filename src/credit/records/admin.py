"""Back office: the credit office edits the publicity rule table; history is read-only."""

from django import forms
from django.contrib import admin, messages

from credit.audit.adminlog import AccessLoggedAdminMixin, ChangeLoggedAdminMixin
from credit.core.actors import Actor
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.core.errors import ServiceError
from credit.records import services
from credit.records.models import PublicityRule, RecordVisibilityChange


def _is_credit_admin(request) -> bool:
    return bool(getattr(request.user, "is_credit_admin", False))


RULE_KEYS = {
    "penalty_severity": "行政处罚（按严重程度/处罚类别）",
    "licence_validity": "行政许可（按有效期）",
    "valid_until": "有效期内公示（按定义的截止日期字段）",
    "fixed_term": "自决定日期起按固定期限公示",
}


class PublicityRuleForm(forms.ModelForm):
    # Picked by its Chinese name: a typed key that no catalog item uses matched nothing.
    rule_key = forms.ChoiceField(label="公示规则", choices=list(RULE_KEYS.items()))

    class Meta:
        model = PublicityRule
        fields = [
            "rule_key",
            "severity",
            "penalty_type",
            "publish",
            "min_months",
            "max_months",
            "law_reference",
            "active",
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_months"), data.get("max_months")
        if low and high and low > high:
            raise forms.ValidationError("最短公示期不能长于最长公示期")
        return data


class RuleKeyFilter(admin.SimpleListFilter):
    title = "公示规则"
    parameter_name = "rule_key"

    def lookups(self, request, model_admin):
        keys = PublicityRule.objects.order_by("rule_key").values_list("rule_key", flat=True)
        return [(key, RULE_KEYS.get(key, key)) for key in keys.distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(rule_key=self.value()) if self.value() else queryset


@admin.register(PublicityRule)
class PublicityRuleAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    form = PublicityRuleForm
    list_display = [
        "rule_label",
        "severity",
        "penalty_type",
        "publish",
        "min_months",
        "max_months",
        "active",
        "updated_at",
    ]
    list_filter = [RuleKeyFilter, "publish", "active"]
    search_fields = ["penalty_type", "law_reference"]
    # services.save_rule writes the change log (publicity_rule_saved) and recomputes windows.
    change_logged_by_service = True

    @admin.display(description="公示规则", ordering="rule_key")
    def rule_label(self, rule: PublicityRule) -> str:
        return RULE_KEYS.get(rule.rule_key, rule.rule_key)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return _is_credit_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_credit_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate a rule instead, so its history stays readable

    def save_model(self, request, obj, form, change):
        try:
            services.save_rule(Actor.for_user(request.user), obj)
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, "规则已保存，系统将在后台重新计算各记录的公示期")


@admin.register(RecordVisibilityChange)
class RecordVisibilityChangeAdmin(
    AccessLoggedAdminMixin, ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    list_display = ["record", "from_state", "to_state", "at", "actor_label", "job_id"]
    list_filter = ["to_state", ("at", admin.DateFieldListFilter)]
    search_fields = ["record__doc_number", "job_id", "actor_label"]
    list_select_related = ["record"]
    raw_id_fields = ["record"]
    access_resource = "admin.record"

    def access_subject(self, obj):
        subject = obj.record.subject
        return subject.pk, subject.name
