"""双公示 lists: the filter form and the filtered, paginated public records of a dataset."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.db.models.fields.json import KT

from credit.accounts.models import Department
from credit.catalog import attributes
from credit.catalog import queries as catalog
from credit.core.forms import SafeInputMixin, SearchField
from credit.core.normalize import name_key
from credit.core.paging import CappedPaginator
from credit.records import queries as records
from credit.subjects.models import SubjectKind

LIST_PAGE_SIZE = 20
LIST_COUNT_CAP = 2_000


def public_dataset(slug: str):
    """(dataset, its attributes) for a public list's URL name: the dataset's code or its
    older alias; None when no dataset is 社会公开 under that name."""
    for dataset in catalog.public_datasets():
        attrs = attributes.of_version(dataset.current_version)
        if slug in (dataset.code, attrs.alias):
            return dataset, attrs
    return None


def slug(dataset, attrs) -> str:
    """The name in a public list's address: its older alias where it has one, so the
    addresses people bookmarked stay the ones the site links to."""
    return attrs.alias or dataset.code


def public_list_datasets() -> list[tuple]:
    """(dataset, attributes) of every 社会公开 dataset, in the profile's order."""
    found = [(d, attributes.of_version(d.current_version)) for d in catalog.public_datasets()]
    return sorted(found, key=lambda pair: attributes.display_order(pair[1]))


def _category_field(version, attrs):
    if not attrs.filter_field:
        return None
    return next((f for f in catalog.fields_of(version) if f.code == attrs.filter_field), None)


class PublicityFilter(SafeInputMixin, forms.Form):
    q = SearchField(label="关键词", required=False, max_length=100)
    department = forms.TypedChoiceField(label="部门", required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label="类别", required=False)
    date_from = forms.DateField(
        label="决定日期自", required=False, error_messages={"invalid": "日期无效"}
    )
    date_to = forms.DateField(
        label="决定日期至", required=False, error_messages={"invalid": "日期无效"}
    )
    # Set by the profile's "查看全部" link: one subject's records, by its public identifier.
    subject = SearchField(required=False, max_length=22, widget=forms.HiddenInput)

    def __init__(self, dataset, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "主体名称或决定文书号"
        self.fields["department"].choices = [("", "全部部门")] + [
            (d.id, d.name) for d in Department.objects.order_by("name").only("id", "name")
        ]
        version = dataset.current_version
        category = _category_field(version, attributes.of_version(version))
        if category is None:
            # A dataset without a category field has no such filter.
            del self.fields["category"]
        else:
            self.fields["category"].label = category.label
            self.fields["category"].choices = [("", "全部")] + [
                (v, v) for v in category.enum_values
            ]
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def problems(self) -> list[str]:
        """Every refused filter as one Chinese sentence naming the field and the value."""
        if not self.is_bound or self.is_valid():
            return []
        found = list(self.non_field_errors())
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            field = self.fields[name]
            value = self.data.get(name, "")
            if isinstance(field, forms.DateField):
                found.append(
                    f"{field.label}“{value}”不是有效的日期，请按 年-月-日 填写，如 2025-01-31"
                )
            else:
                found.append(f"{field.label}：{'；'.join(errors)}")
        return found

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期")
        return data


def filtered(dataset, form: PublicityFilter):
    """The dataset's public records narrowed by the valid filters, newest first."""
    qs = records.public_records_of_dataset(dataset.code)
    filter_field = attributes.of_version(dataset.current_version).filter_field
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("subject"):
        qs = qs.filter(subject__public_id=data["subject"])
    if data.get("department"):
        qs = qs.filter(department_id=data["department"])
    if data.get("category"):
        # 处罚类别 may list several types (警告;罚款): a type matches when it is one of them.
        qs = qs.alias(category_text=KT(f"data__{filter_field}")).filter(
            category_text__contains=data["category"]
        )
    if data.get("date_from"):
        qs = qs.filter(decision_date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(decision_date__lte=data["date_to"])
    keyword = (data.get("q") or "").strip()
    if keyword:
        # Persons are not found by name (least exposure); their document numbers are.
        qs = qs.filter(
            Q(doc_number__icontains=keyword)
            | Q(
                subject__name_norm__contains=name_key(keyword),
                subject__kind__in=[SubjectKind.ORGANIZATION, SubjectKind.SOLE_TRADER],
            )
        )
    return qs.select_related("subject", "department", "dataset").order_by("-decision_date", "-id")


def page_of(queryset, number):
    # Counting every public record of a dataset on each view cost a second per page on a
    # million records; even counting 10,000 costs ten times the page itself. Past the cap
    # the page says "2000+" (100 pages) and the filters narrow the rest down.
    return CappedPaginator(queryset, LIST_PAGE_SIZE, cap=LIST_COUNT_CAP).get_page(number)
