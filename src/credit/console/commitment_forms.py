"""Forms of the commitment pages: parse input only; commitments.services decides."""

from __future__ import annotations

from django import forms

from credit.commitments.models import CommitmentKind
from credit.core.forms import SafeInputMixin
from credit.records.models import Severity

DATE = forms.DateInput(attrs={"type": "date"})
SUBJECT_KINDS = [(k, k) for k in ("法人及非法人组织", "个体工商户", "自然人")]


class _Form(SafeInputMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class VerifyForm(_Form):
    result = forms.ChoiceField(
        label="核查结果", choices=[("kept", "履约"), ("broken", "失信")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="核查说明",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="履约时填写核查方式和结果",
    )
    facts = forms.CharField(
        label="失信事实",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="失信时必填，将载入违背信用承诺记录并依规公示",
    )
    decision = forms.CharField(
        label="失信认定文书号", max_length=128, required=False, help_text="失信时必填"
    )
    severity = forms.ChoiceField(
        label="失信严重程度", choices=Severity.choices, initial=Severity.GENERAL
    )

    def clean(self):
        data = super().clean()
        if data.get("result") == "broken":
            if not (data.get("facts") or "").strip():
                self.add_error("facts", "核查结果为失信时须填写失信事实")
            if not (data.get("decision") or "").strip():
                self.add_error("decision", "核查结果为失信时须填写失信认定文书号")
        return data


class CreateForm(_Form):
    subject_name = forms.CharField(label="承诺主体名称", max_length=200)
    subject_kind = forms.ChoiceField(label="承诺主体类别", choices=SUBJECT_KINDS)
    subject_uscc = forms.CharField(
        label="统一社会信用代码", max_length=18, required=False, help_text="法人及非法人组织必填"
    )
    legal_rep = forms.CharField(label="法定代表人（负责人）", max_length=50, required=False)
    id_number = forms.CharField(
        label="身份证号码", max_length=18, required=False, help_text="自然人必填，不予公开"
    )
    kind = forms.ChoiceField(
        label="承诺类型",
        choices=[(k.value, k.label) for k in CommitmentKind if k != CommitmentKind.REPAIR],
    )
    made_on = forms.DateField(label="承诺日期", widget=DATE)
    matter = forms.CharField(label="承诺事项", max_length=200, help_text="如对应的行政许可事项")
    reason = forms.CharField(label="承诺事由", max_length=500)
    text = forms.CharField(
        label="承诺内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    due_on = forms.DateField(
        label="核查期限",
        required=False,
        widget=DATE,
        help_text="审批替代型不填时按平台设定的工作日数自承诺日期起算",
    )
    public = forms.BooleanField(label="向社会公开", required=False, initial=True)
