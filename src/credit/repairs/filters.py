"""Filters of the repair queue (console), django-filter."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from credit.accounts.models import Department
from credit.core.forms import SafeInputMixin, SearchField
from credit.repairs import queries
from credit.repairs.models import State


class _SafeForm(SafeInputMixin, forms.Form):
    pass


class _Search(django_filters.CharFilter):
    field_class = SearchField


class RepairQueueFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label="办理状态", choices=State.choices, empty_label="全部")
    overdue = django_filters.BooleanFilter(
        label="只看超期",
        method="by_overdue",
        widget=forms.CheckboxInput,
    )
    subject = _Search(label="主体或受理编号", method="by_text", max_length=100)
    department = django_filters.ModelChoiceFilter(
        label="决定部门", queryset=Department.objects.all(), empty_label="全部"
    )

    class Meta:
        form = _SafeForm
        model = None
        fields: list[str] = []

    def __init__(self, *args, sees_every_queue: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_every_queue:
            self.filters.pop("department")

    def by_overdue(self, queryset, name, value):
        return queryset.filter(queries.overdue()) if value else queryset

    def by_text(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(tracking_number=value.upper())
            | Q(subject__uscc=value.upper())
            | Q(subject__name__contains=value)
        )
