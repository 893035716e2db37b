"""Back office: the catalog is read-only here; a change is a new YAML version (load_catalog)."""

from django.contrib import admin

from credit.audit.adminlog import ChangeLoggedAdminMixin
from credit.catalog.models import Dataset, DatasetVersion, Field
from credit.core.admin_mixins import ReadOnlyAdminMixin


class DatasetVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DatasetVersion
    fields = ["number", "standard", "name", "category", "share_attr", "open_attr", "created_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name = "版本"
    verbose_name_plural = "历史版本（只读，修改请提交新的目录定义）"


class FieldInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Field
    fields = ["position", "label", "code", "type", "required", "required_when", "public", "role"]
    readonly_fields = fields
    extra = 0


@admin.register(Dataset)
class DatasetAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "current_version"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "name", "current_version"]
    inlines = [DatasetVersionInline]


@admin.register(DatasetVersion)
class DatasetVersionAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "dataset",
        "number",
        "name",
        "category",
        "share_attr",
        "open_attr",
        "created_at",
    ]
    list_filter = ["dataset", "category"]
    exclude = ["definition"]
    readonly_fields = [
        "dataset",
        "number",
        "standard",
        "name",
        "category",
        "subject_kinds",
        "providers",
        "legal_basis",
        "share_attr",
        "open_attr",
        "publicity_rule",
        "update_deadline_workdays",
        "update_frequency",
        "retention",
        "definition_hash",
        "created_at",
    ]
    inlines = [FieldInline]


@admin.register(Field)
class FieldAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "type", "required", "public", "role", "version"]
    list_filter = ["version__dataset", "type", "required", "public"]
    search_fields = ["label", "code"]
    readonly_fields = [f.name for f in Field._meta.fields if f.name != "id"]
