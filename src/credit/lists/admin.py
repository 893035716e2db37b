"""Back-office configuration of list types; entries are read-only here (services write them)."""

from django.contrib import admin

from credit.audit.adminlog import AccessLoggedAdminMixin, ChangeLoggedAdminMixin
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.lists.models import ListEntry, ListEntryEvent, ListType


@admin.register(ListType)
class ListTypeAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "color",
        "department",
        "default_period_months",
        "early_removal_allowed",
        "statement_workdays",
        "active",
    )
    list_filter = ("color", "active")
    search_fields = ("name", "code")
    list_select_related = ("department",)

    def has_delete_permission(self, request, obj=None):
        return False  # list entries and measures name their list type: deactivate instead


class EventInline(admin.TabularInline):
    model = ListEntryEvent
    extra = 0
    can_delete = False
    fields = ("action_label", "from_state", "to_state", "on", "at", "actor_label", "note")
    readonly_fields = fields

    @admin.display(description="操作")
    def action_label(self, event: ListEntryEvent) -> str:
        return event.action_display

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ListEntry)
class ListEntryAdmin(
    AccessLoggedAdminMixin, ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Read-only: the procedure must go through lists/services.py to be logged."""

    list_display = ("list_type", "subject", "state", "decision_number", "period_end")
    list_filter = ("state", "list_type")
    search_fields = ("decision_number", "subject__name")
    list_select_related = ("list_type", "subject")
    inlines = [EventInline]
    access_resource = "admin.list_entry"

    def access_subject(self, obj):
        return obj.subject_id, obj.subject.name
