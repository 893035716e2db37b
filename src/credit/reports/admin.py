"""Back office: the register of issued credit reports (read only: an issued report is a
record of what the platform said, never edited)."""

from django.contrib import admin

from credit.audit.adminlog import ChangeLoggedAdminMixin
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.reports.models import CreditReport, ReportDomain


@admin.register(CreditReport)
class CreditReportAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "kind", "subject_name", "subject_code", "issued_at", "superseded_at"]
    list_filter = ["kind", ("issued_at", admin.DateFieldListFilter)]
    search_fields = ["number", "subject_name", "subject_code", "pdf_digest"]
    raw_id_fields = ["subject", "superseded_by"]


@admin.register(ReportDomain)
class ReportDomainAdmin(ChangeLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "position", "active", "department_names"]
    list_editable = ["position", "active"]
    filter_horizontal = ["departments"]
    search_fields = ["name", "code"]

    @admin.display(description="数据来源部门")
    def department_names(self, domain: ReportDomain) -> str:
        return "、".join(d.name for d in domain.departments.all()) or "（未配置）"

    def has_delete_permission(self, request, obj=None) -> bool:
        # Issued reports name their domains; a domain is switched off, not deleted.
        return False
