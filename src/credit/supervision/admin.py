"""Back office: the credit office sets the sampling ratios per grade; draws are read only
(a draw is a record of what was drawn, never edited)."""

from django.contrib import admin

from credit.audit.adminlog import ChangeLoggedAdminMixin
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.supervision.models import SampleDraw, SampledSubject, SamplingRatio


@admin.register(SamplingRatio)
class SamplingRatioAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["stratum", "ratio", "note"]
    list_editable = ["ratio"]


class SampledSubjectInline(admin.TabularInline):
    model = SampledSubject
    fields = ["position", "subject_name", "subject_uscc", "stratum", "score", "reasons"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SampleDraw)
class SampleDrawAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "department",
        "population",
        "seed",
        "drawn_size",
        "actor_label",
        "created_at",
    ]
    list_filter = ["population", "department"]
    search_fields = ["seed", "actor_label"]
    inlines = [SampledSubjectInline]
