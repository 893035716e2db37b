"""The logs in the admin site: readable by auditors and administrators, writable by nobody."""

from django.contrib import admin

from credit.audit.models import AccessLog, ChangeLog
from credit.audit.queries import can_browse
from credit.core.admin_mixins import ReadOnlyAdminMixin


class ReadOnlyLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Logs are append-only evidence (等保 2.0): even superusers may not edit or delete them.
    date_hierarchy = "at"
    list_per_page = 50
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return can_browse(request.user)

    def has_module_permission(self, request):
        return can_browse(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "request_id")
    list_filter = ("action", "object_type", ("at", admin.DateFieldListFilter))
    search_fields = ("object_id", "actor_label", "request_id")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "actor_label", "subject_label", "resource", "purpose", "request_id")
    list_filter = ("resource", ("at", admin.DateFieldListFilter))
    search_fields = ("subject_id", "subject_label", "actor_label", "request_id")
