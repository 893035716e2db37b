"""Filters of a department's own records (本单位记录), shared by the console page and
`GET /api/v1/records/mine` (django-filter), so both filter alike."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from credit.accounts.models import Department
from credit.catalog.models import Dataset
from credit.core.forms import SafeInputMixin, SearchField
from credit.core.normalize import halfwidth
from credit.records import queries


class _SafeForm(SafeInputMixin, forms.Form):
    pass


class SubjectFilter(django_filters.CharFilter):
    field_class = SearchField


class DepartmentRecordFilter(django_filters.FilterSet):
    """Dataset, state on today, decision dates, subject (name or USCC), department (for
    those who see every department's records)."""

    dataset = django_filters.ModelChoiceFilter(
        label="信息事项",
        queryset=Dataset.objects.all(),
        to_field_name="code",
        empty_label="全部",
    )
    state = django_filters.ChoiceFilter(
        label="状态", choices=queries.DEPARTMENT_STATES, empty_label="全部", method="by_state"
    )
    decided_from = django_filters.DateFilter(
        label="决定日期自",
        field_name="decision_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    decided_to = django_filters.DateFilter(
        label="决定日期至",
        field_name="decision_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    subject = SubjectFilter(label="主体名称或统一社会信用代码", method="by_subject", max_length=200)
    department = django_filters.ModelChoiceFilter(
        label="数据来源单位", queryset=Department.objects.all(), empty_label="全部"
    )

    class Meta:
        form = _SafeForm
        fields: list[str] = []

    def __init__(self, *args, sees_every_department: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_every_department:
            # Their own department's records only: nothing to choose.
            del self.filters["department"]

    def by_state(self, queryset, name, value):
        return queryset.filter(queries.department_state(value, timezone.localdate()))

    def by_subject(self, queryset, name, value):
        value = halfwidth(value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(subject__name__icontains=value) | Q(subject__uscc=value.upper()))
