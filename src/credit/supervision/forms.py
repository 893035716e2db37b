"""The draw form and the filters of the list of draws."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms

from credit.accounts.models import Department
from credit.core.forms import SafeInputMixin
from credit.supervision.models import Population, Stratum
from credit.supervision.sampling import SEED_MAX_LENGTH

RATIO_FIELDS = {stratum: f"ratio_{stratum.lower()}" for stratum in Stratum.values}
MAX_LISTED_LINES = 10_000


class DrawForm(SafeInputMixin, forms.Form):
    department = forms.ModelChoiceField(
        label="抽查部门", queryset=Department.objects.all(), empty_label=None
    )
    population = forms.ChoiceField(
        label="抽查范围",
        choices=Population.choices,
        widget=forms.RadioSelect,
        initial=Population.LICENSEES,
    )
    subjects = forms.CharField(
        label="指定主体",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="抽查范围为“指定主体”时填写：每行一个统一社会信用代码。",
    )
    seed = forms.CharField(
        label="随机种子",
        max_length=SEED_MAX_LENGTH,
        help_text="已随机生成，可改为任意数字或英文字母；同一范围、比例和种子总是抽出同样的主体，"
        "可据此复核。",
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments
        # One ratio field per stratum, after the population.
        for stratum, label in Stratum.choices:
            field = forms.DecimalField(
                label=f"{label}抽查比例",
                min_value=Decimal("0"),
                max_value=Decimal("1"),
                max_digits=5,
                decimal_places=4,
                help_text="0 到 1 之间，如 0.05 表示 5%",
                error_messages={
                    "min_value": "应在 0 到 1 之间",
                    "max_value": "应在 0 到 1 之间",
                    "invalid": "应为 0 到 1 之间的小数",
                },
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            )
            self.fields[RATIO_FIELDS[stratum]] = field

    def clean_seed(self) -> str:
        seed = self.cleaned_data["seed"].strip()
        if not seed.isascii() or not seed.isalnum():
            raise forms.ValidationError("应为数字或英文字母")
        return seed

    def clean_subjects(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["subjects"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_LISTED_LINES:
            raise forms.ValidationError(f"一次最多指定 {MAX_LISTED_LINES} 个主体")
        return lines

    def clean(self):
        data = super().clean()
        if data.get("population") == Population.LISTED and not data.get("subjects"):
            self.add_error("subjects", "抽查范围为“指定主体”时，请至少填写一个统一社会信用代码")
        return data

    def ratios(self) -> dict[str, Decimal]:
        return {s: self.cleaned_data[f] for s, f in RATIO_FIELDS.items()}

    def ratio_fields(self):
        return [self[f] for f in RATIO_FIELDS.values()]


class _SafeForm(SafeInputMixin, forms.Form):
    pass


class DrawFilter(django_filters.FilterSet):
    department = django_filters.ModelChoiceFilter(
        label="抽查部门", queryset=Department.objects.all(), empty_label="全部"
    )
    population = django_filters.ChoiceFilter(
        label="抽查范围", choices=Population.choices, empty_label="全部"
    )
    drawn_from = django_filters.DateFilter(
        label="抽取日期自",
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    drawn_to = django_filters.DateFilter(
        label="抽取日期至",
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        form = _SafeForm
        fields: list[str] = []

    def __init__(self, *args, sees_every_department: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_every_department:
            del self.filters["department"]
