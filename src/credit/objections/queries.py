"""Reads of objections, already filtered by what the caller may see: the queues and the
applicant's status."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from credit.accounts import permissions as account_permissions
from credit.applications.models import Step as ApplicationStep
from credit.applications.permissions import is_credit_office
from credit.core.actors import Actor
from credit.objections.models import FactKind, Objection, ObjectionState, Step


def _open_steps():
    return ApplicationStep.objects.filter(
        application=OuterRef("application"), done_at__isnull=True
    ).order_by("-id")


def queue(actor: Actor, today: dt.date | None = None) -> QuerySet[Objection]:
    """The objections the caller handles or reads: the credit office and the auditor all of
    them, a department those sent to it for 协查. Each carries its open step and due date."""
    today = today or timezone.localdate()
    found = Objection.objects.select_related("application", "department").annotate(
        step_label=Subquery(_open_steps().values("label")[:1]),
        step_due=Subquery(_open_steps().values("due_on")[:1]),
        overdue=Exists(_open_steps().filter(due_on__lt=today)),
    )
    if is_credit_office(actor) or account_permissions.is_auditor(actor):
        return found.order_by("-id")
    if actor.department_id is None:
        return found.none()
    verify_started = ApplicationStep.objects.filter(
        application=OuterRef("application"), code=Step.VERIFY
    )
    return found.filter(Exists(verify_started), department_id=actor.department_id).order_by("-id")


class QueueFilter(django_filters.FilterSet):
    """The queue's filters (console list and API list)."""

    state = django_filters.ChoiceFilter(label="办理状态", choices=ObjectionState.choices)
    fact_kind = django_filters.ChoiceFilter(label="信息类型", choices=FactKind.choices)
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
        model = Objection
        fields = ["state", "fact_kind"]

    def _overdue(self, queryset, name, value):
        return queryset.filter(overdue=True) if value else queryset


def filtered(actor: Actor, params, today: dt.date | None = None):
    """The caller's queue with the filters of `params`; the FilterSet keeps its form for the
    page (errors in Chinese)."""
    return QueueFilter(params, queryset=queue(actor, today))


def overdue(actor: Actor, today: dt.date | None = None) -> QuerySet[Objection]:
    return queue(actor, today).filter(overdue=True)
