"""Back office: the register of issued credit reports (read only: an issued report is a
record of what the platform said, never edited)."""

from django.contrib import admin

from credit.audit.adminlog import ChangeLoggedAdminMixin
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.reports.models import CreditReport


@admin.register(CreditReport)
class CreditReportAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "kind", "subject_name", "subject_code", "issued_at", "superseded_at"]
    list_filter = ["kind", ("issued_at", admin.DateFieldListFilter)]
    search_fields = ["number", "subject_name", "subject_code", "pdf_digest"]
    raw_id_fields = ["subject", "superseded_by"]
