"""Back office: the credit office edits a draft of the evaluation model and publishes it;
published versions and grades are read-only."""

from django.contrib import admin, messages

from credit.audit.adminlog import ChangeLoggedAdminMixin, actor_of
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.core.errors import ServiceError
from credit.evaluation import services
from credit.evaluation.models import (
    Dimension,
    EvaluationModel,
    EvaluationSettings,
    Grade,
    GradeBand,
    Indicator,
    ModelState,
    Rule,
)


def _is_credit_admin(request) -> bool:
    return bool(getattr(request.user, "is_credit_admin", False))


def _draft(obj) -> bool:
    model = obj
    if isinstance(obj, Rule):
        model = obj.indicator.dimension.model
    elif isinstance(obj, Indicator):
        model = obj.dimension.model
    elif isinstance(obj, (Dimension, GradeBand)):
        model = obj.model
    return model is None or model.state == ModelState.DRAFT


class DraftOnlyMixin:
    """Staff read everything; the credit office edits drafts only: a published version is
    what grades name, so it never changes."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return _is_credit_admin(request) and (obj is None or _draft(obj))

    def has_change_permission(self, request, obj=None):
        return _is_credit_admin(request) and (obj is None or _draft(obj))

    def has_delete_permission(self, request, obj=None):
        return _is_credit_admin(request) and obj is not None and _draft(obj)


class GradeBandInline(DraftOnlyMixin, admin.TabularInline):
    model = GradeBand
    extra = 0


class DimensionInline(DraftOnlyMixin, admin.TabularInline):
    model = Dimension
    extra = 0
    show_change_link = True


@admin.register(EvaluationModel)
class EvaluationModelAdmin(DraftOnlyMixin, ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "version", "state", "published_at", "published_by"]
    list_filter = ["state"]
    fields = ["name", "description", "base_score", "disputed_facts", "state", "version"]
    readonly_fields = ["state", "version"]
    inlines = [GradeBandInline, DimensionInline]
    actions = ["publish_drafts", "draft_from"]

    @admin.action(description="发布所选草稿为新版本")
    def publish_drafts(self, request, queryset):
        for model in queryset:
            try:
                published = services.publish(actor_of(request), model)
            except ServiceError as exc:
                self.message_user(request, f"{model}：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"已发布 {published}，将在下次评价时使用。")

    @admin.action(description="以所选版本新建草稿")
    def draft_from(self, request, queryset):
        for model in queryset:
            try:
                draft = services.new_draft(actor_of(request), model)
            except ServiceError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"已新建草稿（编号 {draft.pk}），编辑后发布。")


class RuleInline(DraftOnlyMixin, admin.StackedInline):
    model = Rule
    extra = 0


@admin.register(Dimension)
class DimensionAdmin(DraftOnlyMixin, ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "model", "position"]
    list_filter = ["model"]

    class IndicatorInline(DraftOnlyMixin, admin.TabularInline):
        model = Indicator
        extra = 0
        show_change_link = True

    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(DraftOnlyMixin, ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "dimension", "min_score", "max_score"]
    list_filter = ["dimension__model"]
    inlines = [RuleInline]


@admin.register(Rule)
class RuleAdmin(DraftOnlyMixin, ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "indicator", "source", "dataset_code", "points", "cap", "window_years"]
    list_filter = ["indicator__dimension__model", "source"]
    search_fields = ["name", "dataset_code"]


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "show_on_portal"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return _is_credit_admin(request) and not EvaluationSettings.objects.exists()

    def has_change_permission(self, request, obj=None):
        return _is_credit_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Grade)
class GradeAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "grade", "score", "model", "valid_from", "computed_at", "is_current"]
    list_filter = ["grade", "is_current", "unregistered"]
    search_fields = ["subject__name", "subject__uscc"]
    raw_id_fields = ["subject"]
    list_select_related = ["subject", "model"]
