"""The logs in the admin site: readable by auditors and administrators, writable by nobody."""

from django.contrib import admin

from credit.audit import labels, queries
from credit.audit.adminlog import ChangeLoggedAdminMixin
from credit.audit.models import AccessLog, ChangeLog
from credit.core.admin_mixins import ReadOnlyAdminMixin


class ReadOnlyLogAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Logs are append-only evidence (等保 2.0): even superusers may not edit or delete them.
    date_hierarchy = "at"
    list_per_page = 50
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return queries.can_browse(request.user)

    def has_module_permission(self, request):
        return queries.can_browse(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


class ActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return queries.change_actions()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    title = "对象类型"
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        codes = ChangeLog.objects.order_by("object_type").values_list("object_type", flat=True)
        return [(code, labels.object_type(code)) for code in codes.distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyLogAdmin):
    list_display = (
        "at",
        "actor_label",
        "action_name",
        "object_name",
        "object_id",
        "request_id",
        "client_request_id",
    )
    list_filter = (ActionFilter, ObjectTypeFilter, ("at", admin.DateFieldListFilter))
    search_fields = ("object_id", "actor_label", "request_id", "client_request_id")

    @admin.display(description="操作", ordering="action")
    def action_name(self, entry: ChangeLog) -> str:
        return labels.action(entry.action)

    @admin.display(description="对象类型", ordering="object_type")
    def object_name(self, entry: ChangeLog) -> str:
        return labels.object_type(entry.object_type)


class ResourceFilter(admin.SimpleListFilter):
    """The resources from the label registry: a filter built from the values would read
    the whole access log (a row per credit check) on every page view."""

    title = "访问内容"
    parameter_name = "resource"

    def lookups(self, request, model_admin):
        return queries.access_resources()

    def queryset(self, request, queryset):
        return queryset.filter(resource=self.value()) if self.value() else queryset


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLogAdmin):
    list_display = (
        "at",
        "actor_label",
        "subject_label",
        "resource_name",
        "purpose",
        "request_id",
        "client_request_id",
    )
    # No date hierarchy and no sorting by column: `at` has a BRIN index only, and both
    # would sort or scan the whole log. The date filter's ranges all end now, which the
    # newest-first order (by id) reaches first.
    date_hierarchy = None
    sortable_by = ()
    list_filter = (ResourceFilter, ("at", admin.DateFieldListFilter))
    search_fields = (
        "subject_id",
        "subject_label",
        "actor_label",
        "request_id",
        "client_request_id",
    )

    @admin.display(description="访问内容")
    def resource_name(self, entry: AccessLog) -> str:
        return labels.resource(entry.resource)
