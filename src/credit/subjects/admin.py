"""Back office: the subject registry is read-only here; subjects change through imports.

The ID-number ciphertext and digest are never shown: the admin sees the masked number only.
"""

from django.contrib import admin
from django.db.models import Q

from credit.audit.adminlog import AccessLoggedAdminMixin, ChangeLoggedAdminMixin
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.core.fieldcrypto import FieldCryptoError, decrypt_id
from credit.core.masking import mask_id_number
from credit.subjects.models import Subject, SubjectNameHistory, SubjectRegistration
from credit.subjects.search import clean_query, region_name


class NameHistoryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SubjectNameHistory
    fields = ["name", "replaced_at", "source"]
    readonly_fields = fields
    extra = 0


class RegistrationInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Every registration version, newest first; the current one has no 被取代时间."""

    model = SubjectRegistration
    fields = [
        "name",
        "entity_type",
        "legal_rep",
        "status",
        "approved_on",
        "authority",
        "recorded_at",
        "superseded_at",
    ]
    readonly_fields = fields
    extra = 0


@admin.register(Subject)
class SubjectAdmin(
    AccessLoggedAdminMixin, ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    list_display = ["name", "kind", "uscc", "region", "verified", "needs_review", "updated_at"]
    list_filter = ["kind", "verified", "needs_review", "region_code"]
    # Exact code or name prefix: both served by an index on a million subjects.
    search_fields = ["=uscc", "^name_norm"]
    fields = [
        "public_id",
        "kind",
        "name",
        "name_norm",
        "uscc",
        "org_code",
        "masked_id_number",
        "legal_rep",
        "reg_status",
        "region_code",
        "verified",
        "needs_review",
        "merged_into",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [NameHistoryInline, RegistrationInline]
    show_full_result_count = False
    access_resource = "admin.subject"

    def access_subject(self, obj):
        return obj.pk, obj.name

    @admin.display(description="行政区划")
    def region(self, obj):
        return region_name(obj.region_code) or obj.region_code

    @admin.display(description="身份证号（脱敏）")
    def masked_id_number(self, obj):
        if not obj.id_cipher:
            return ""
        try:
            return mask_id_number(decrypt_id(obj.id_cipher))
        except FieldCryptoError as exc:
            return exc.message

    def get_search_results(self, request, queryset, search_term):
        # By USCC or the normalised name column, never icontains on the raw name.
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        found = queryset.filter(Q(uscc=term.upper()) | Q(name_norm__contains=clean_query(term)))
        return found, False
