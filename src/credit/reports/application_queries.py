"""The credit office's queue of special-report applications, with each open step's clock."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from credit.applications.models import ApplicationState
from credit.applications.models import Step as ApplicationStep
from credit.core.actors import Actor
from credit.reports import permissions
from credit.reports.models import SpecialReportRequest


def _open_steps():
    return ApplicationStep.objects.filter(
        application=OuterRef("application"), done_at__isnull=True
    ).order_by("-id")


def queue(actor: Actor, today: dt.date | None = None) -> QuerySet[SpecialReportRequest]:
    """Every application for the credit office and the auditor; nobody else's."""
    if not permissions.can_read_report_register(actor):
        return SpecialReportRequest.objects.none()
    today = today or timezone.localdate()
    return (
        SpecialReportRequest.objects.select_related("application", "report")
        .annotate(
            step_due=Subquery(_open_steps().values("due_on")[:1]),
            overdue=Exists(_open_steps().filter(due_on__lt=today)),
        )
        .order_by("-id")
    )


class QueueFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="办理状态", field_name="application__state", choices=ApplicationState.choices
    )
    overdue = django_filters.BooleanFilter(label="仅看超期", method="_overdue")
    tracking_number = django_filters.CharFilter(
        label="受理编号", field_name="application__tracking_number", lookup_expr="iexact"
    )
    received_from = django_filters.DateFilter(
        label="提交日期起", field_name="application__received_at", lookup_expr="date__gte"
    )
    received_to = django_filters.DateFilter(
        label="提交日期止", field_name="application__received_at", lookup_expr="date__lte"
    )

    class Meta:
        model = SpecialReportRequest
        fields = ["state"]

    def _overdue(self, queryset, name, value):
        return queryset.filter(overdue=True) if value else queryset


def filtered(actor: Actor, params, today: dt.date | None = None) -> QueueFilter:
    return QueueFilter(params, queryset=queue(actor, today))
