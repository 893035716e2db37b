"""Admin building blocks shared by every app."""


class ReadOnlyAdminMixin:
    """Visible in the admin, never editable there: logs, history, immutable versions and
    anything that must change only through a service (so the change is audited)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
