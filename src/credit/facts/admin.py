"""Back office: the outbox's deliveries, failures first, with a "retry now" action."""

from django.contrib import admin, messages

from credit.audit.adminlog import ChangeLoggedAdminMixin, actor_of
from credit.audit.services import log_change
from credit.core.admin_mixins import ReadOnlyAdminMixin
from credit.facts import events
from credit.facts.models import Dispute, FactDelivery, FactEvent


@admin.register(FactEvent)
class FactEventAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "action", "batch_ref", "at", "actor_label", "delivered_at"]
    list_filter = ["kind", "action", ("at", admin.DateFieldListFilter)]
    search_fields = ["batch_ref", "request_id", "actor_label"]


@admin.register(FactDelivery)
class FactDeliveryAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "event",
        "subscriber_label",
        "state",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "short_error",
    ]
    list_filter = ["state", "subscriber"]
    list_select_related = ["event"]
    raw_id_fields = ["event"]
    actions = ["retry_now"]

    @admin.display(description="订阅方", ordering="subscriber")
    def subscriber_label(self, delivery: FactDelivery) -> str:
        return events.label_of(delivery.subscriber)

    @admin.display(description="最近错误")
    def short_error(self, delivery: FactDelivery) -> str:
        return delivery.last_error[:80]

    def get_queryset(self, request):
        # Failures first: they are what an administrator comes here for.
        from django.db.models import Case, IntegerField, Value, When

        return (
            super()
            .get_queryset(request)
            .annotate(
                failed_first=Case(
                    When(state=FactDelivery.State.FAILED, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("failed_first", "-id")
        )

    @admin.action(description="立即重试所选送达")
    def retry_now(self, request, queryset):
        if not getattr(request.user, "is_credit_admin", False):
            self.message_user(request, "只有信用主管部门可以重试事件送达", messages.ERROR)
            return
        ids = list(queryset.exclude(state=FactDelivery.State.DONE).values_list("pk", flat=True))
        delivered = events.retry_now(ids)
        log_change(
            actor_of(request),
            "fact_delivery.retry",
            "FactDelivery",
            ",".join(str(i) for i in ids)[:200] or "-",
            after={"retried": len(ids), "delivered": delivered},
        )
        self.message_user(request, f"已重试 {len(ids)} 项送达，其中 {delivered} 项已送达")


@admin.register(Dispute)
class DisputeAdmin(ChangeLoggedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Markers are written by objections through the kernel only: read here, never edited."""

    list_display = ["kind", "fact_id", "reference", "opened_at", "closed_at"]
    list_filter = ["kind", ("opened_at", admin.DateFieldListFilter)]
    search_fields = ["reference"]
