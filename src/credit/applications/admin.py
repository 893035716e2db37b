"""Back office: the working days of each step (the credit office's configuration). The
applications themselves are handled in the console, through the services."""

from django.contrib import admin

from credit.applications.models import StepPeriod
from credit.audit.adminlog import ChangeLoggedAdminMixin


@admin.register(StepPeriod)
class StepPeriodAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "label", "workdays"]
    list_filter = ["kind"]
    fields = ["kind", "code", "label", "workdays"]

    def get_readonly_fields(self, request, obj=None):
        # A step's code is what the services look up: renaming it would orphan the step.
        return ["kind", "code"] if obj is not None else []
