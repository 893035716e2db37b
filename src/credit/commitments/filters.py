"""Filters of the commitment queue, shared by the console page and the API (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone

from credit.accounts.models import Department
from credit.commitments import queries
from credit.commitments.models import CommitmentKind, Fulfilment
from credit.core.forms import SafeInputMixin, SearchField
from credit.core.normalize import halfwidth


class _SafeForm(SafeInputMixin, forms.Form):
    pass


class SubjectFilter(django_filters.CharFilter):
    field_class = SearchField


class CommitmentFilter(django_filters.FilterSet):
    """Verification clock, 履约状态, type, commitment dates, subject or code, department
    (for those who see every department's commitments)."""

    due = django_filters.ChoiceFilter(
        label="核查情况", choices=queries.DUE_STATES, empty_label="全部", method="by_due"
    )
    state = django_filters.ChoiceFilter(
        label="履约状态", choices=Fulfilment.choices, empty_label="全部"
    )
    kind = django_filters.ChoiceFilter(
        label="承诺类型", choices=CommitmentKind.choices, empty_label="全部"
    )
    made_from = django_filters.DateFilter(
        label="承诺日期自",
        field_name="made_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    made_to = django_filters.DateFilter(
        label="承诺日期至",
        field_name="made_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    subject = SubjectFilter(
        label="主体名称、统一社会信用代码或承诺编码", method="by_subject", max_length=200
    )
    department = django_filters.ModelChoiceFilter(
        label="受理单位", queryset=Department.objects.all(), empty_label="全部"
    )

    class Meta:
        form = _SafeForm
        fields: list[str] = []

    def __init__(self, *args, sees_every_department: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_every_department:
            del self.filters["department"]

    def by_due(self, queryset, name, value):
        return queryset.filter(queries.due_condition(value, timezone.localdate()))

    def by_subject(self, queryset, name, value):
        value = halfwidth(value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__name__icontains=value) | Q(subject__uscc=value.upper()) | Q(code=value)
        )

    @property
    def qs(self):
        # Not yet verified first, the oldest due date first (so overdue ones lead).
        return super().qs.order_by(
            F("verified_on").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "-id"
        )


def first_problem(filterset: CommitmentFilter) -> str:
    field, problems = next(iter(filterset.errors.items()))
    label = filterset.filters[field].label if field in filterset.filters else field
    return f"筛选条件「{label}」不正确：{problems[0]}"
