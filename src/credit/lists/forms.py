"""Console forms of the list procedure: parse input only; services decide what is allowed."""

from __future__ import annotations

from django import forms

from credit.core.forms import SafeInputMixin
from credit.core.identifiers import IdentifierError, validate_uscc
from credit.lists.models import ListType, RemovalKind

DATE = forms.DateInput(attrs={"type": "date"})
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class NotifyForm(SafeInputMixin, forms.Form):
    list_type = forms.ModelChoiceField(ListType.objects.none(), label="名单类型")
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    notice_number = forms.CharField(label="告知书文号", max_length=128)
    notice_date = forms.DateField(label="告知日期", widget=DATE)
    served_how = forms.CharField(label="送达方式", max_length=50, required=False)
    reasons = forms.CharField(label="拟列入理由", widget=TEXTAREA)

    def __init__(self, *args, list_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_type"].queryset = list_types or ListType.objects.none()

    def clean_uscc(self) -> str:
        try:
            return validate_uscc(self.cleaned_data["uscc"])
        except IdentifierError as exc:
            raise forms.ValidationError(exc.message) from exc


class EnterDecidedForm(SafeInputMixin, forms.Form):
    """A decision whose notice and objection steps happened outside the platform."""

    list_type = forms.ModelChoiceField(ListType.objects.none(), label="名单类型")
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    decision_number = forms.CharField(label="决定书文号", max_length=128)
    decision_date = forms.DateField(label="决定日期", widget=DATE)
    facts = forms.CharField(label="认定事实", widget=TEXTAREA, required=False)
    basis = forms.CharField(label="认定依据", widget=TEXTAREA)
    period_end = forms.DateField(
        label="有效期至", widget=DATE, required=False, help_text="留空按名单默认期限计算"
    )
    authority_name = forms.CharField(label="认定机关", max_length=200, required=False)
    publish_now = forms.BooleanField(label="同时公开", required=False, initial=True)

    def __init__(self, *args, list_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_type"].queryset = list_types or ListType.objects.none()

    clean_uscc = NotifyForm.clean_uscc


class ObjectionForm(SafeInputMixin, forms.Form):
    text = forms.CharField(label="陈述申辩意见", widget=TEXTAREA)
    answer = forms.CharField(label="核实答复", widget=TEXTAREA)


class DecideForm(SafeInputMixin, forms.Form):
    decision_number = forms.CharField(label="决定书文号", max_length=128)
    decision_date = forms.DateField(label="决定日期", widget=DATE)
    facts = forms.CharField(label="认定事实", widget=TEXTAREA)
    basis = forms.CharField(label="认定依据", widget=TEXTAREA)
    period_end = forms.DateField(
        label="有效期至", widget=DATE, required=False, help_text="留空按名单默认期限计算"
    )
    measures_note = forms.CharField(label="惩戒或激励措施", widget=TEXTAREA, required=False)


class PublishForm(SafeInputMixin, forms.Form):
    on = forms.DateField(label="公开日期", widget=DATE, required=False, help_text="留空为今天")


class RemoveForm(SafeInputMixin, forms.Form):
    kind = forms.ChoiceField(
        label="移出方式",
        choices=[(RemovalKind.APPLICATION, "申请提前移出"), (RemovalKind.REVOKED, "决定撤销")],
    )
    reason = forms.CharField(label="移出理由", widget=TEXTAREA)
    on = forms.DateField(label="移出日期", widget=DATE, required=False, help_text="留空为今天")


class WithdrawForm(SafeInputMixin, forms.Form):
    reason = forms.CharField(label="不予列入理由", widget=TEXTAREA)


class EmptyForm(SafeInputMixin, forms.Form):
    """Actions without input (放弃陈述申辩) still go through a CSRF-checked POST."""
