"""Back-office editing of the scenario and measure lists (both are data)."""

from django.contrib import admin

from credit.measures.models import Measure, Scenario


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "position", "active")
    list_editable = ("position", "active")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "measure_class", "short_text", "implementer", "active")
    list_filter = ("kind", "measure_class", "active", "list_types", "scenarios")
    search_fields = ("code", "text", "legal_basis")
    filter_horizontal = ("list_types", "scenarios")

    @admin.display(description="措施内容")
    def short_text(self, obj):
        return obj.text[:40]
