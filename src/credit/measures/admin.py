"""Back-office editing of the scenario and measure lists (both are data)."""

from django.contrib import admin

from credit.audit.adminlog import ChangeLoggedAdminMixin
from credit.measures.models import Measure, Scenario


@admin.register(Scenario)
class ScenarioAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "position", "active", "limited_to")
    list_editable = ("position", "active")
    filter_horizontal = ("departments",)

    def has_delete_permission(self, request, obj=None):
        return False  # credit checks name their scenario: deactivate instead

    @admin.display(description="可使用的部门")
    def limited_to(self, obj):
        names = [d.name for d in obj.departments.all()]
        return "、".join(names) if names else "所有部门"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")


@admin.register(Measure)
class MeasureAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "kind", "measure_class", "short_text", "implementer", "active")
    list_filter = ("kind", "measure_class", "active", "list_types", "scenarios")
    search_fields = ("code", "text", "legal_basis")
    filter_horizontal = ("list_types", "scenarios")

    def has_delete_permission(self, request, obj=None):
        return False  # check results and feedback name their measures: deactivate instead

    @admin.display(description="措施内容")
    def short_text(self, obj):
        return obj.text[:40]
