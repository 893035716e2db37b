"""Console forms of the list procedure: parse input only; services decide what is allowed."""

from __future__ import annotations

from django import forms

from credit.core.forms import SafeInputMixin
from credit.core.identifiers import IdentifierError, validate_id_number, validate_uscc
from credit.lists.models import ListType, RemovalKind
from credit.subjects.models import SubjectKind

DATE = forms.DateInput(attrs={"type": "date"})
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ListForm(SafeInputMixin, forms.Form):
    """Labels end with a Chinese colon whatever the active language's default suffix."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class SubjectFields(ListForm):
    """Who the entry is about: organisations by USCC; persons, and sole traders without a
    code, by ID number (a name is needed only when the platform does not know them yet)."""

    subject_kind = forms.ChoiceField(
        label="主体类别", choices=SubjectKind.choices, initial=SubjectKind.ORGANIZATION
    )
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        required=False,
        help_text="法人及非法人组织必填；个体工商户有代码的填写代码",
    )
    id_number = forms.CharField(
        label="身份证号码",
        max_length=18,
        required=False,
        help_text="自然人、无统一社会信用代码的个体工商户（经营者）填写；加密保存，页面脱敏显示",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    subject_name = forms.CharField(
        label="主体名称",
        max_length=200,
        required=False,
        help_text="平台尚无该主体时填写（自然人填姓名）",
    )

    def clean_uscc(self) -> str:
        value = (self.cleaned_data.get("uscc") or "").strip()
        if not value:
            return ""
        try:
            return validate_uscc(value)
        except IdentifierError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_id_number(self) -> str:
        value = (self.cleaned_data.get("id_number") or "").strip()
        if not value:
            return ""
        try:
            return validate_id_number(value).number
        except IdentifierError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self):
        data = super().clean()
        kind = data.get("subject_kind")
        uscc, number = data.get("uscc"), data.get("id_number")
        if "uscc" in self.errors or "id_number" in self.errors or not kind:
            return data
        if kind == SubjectKind.ORGANIZATION:
            data["id_number"] = ""
            if not uscc:
                self.add_error("uscc", "法人及非法人组织请填写统一社会信用代码")
        elif kind == SubjectKind.PERSON:
            data["uscc"] = ""
            if not number:
                self.add_error("id_number", "自然人请填写身份证号码")
        elif not uscc and not number:
            self.add_error(
                "id_number", "个体工商户请填写统一社会信用代码；无代码的填写经营者身份证号码"
            )
        elif uscc:
            data["id_number"] = ""
        return data


class NotifyForm(SubjectFields):
    list_type = forms.ModelChoiceField(ListType.objects.none(), label="名单类型")
    notice_number = forms.CharField(label="告知书文号", max_length=128)
    notice_date = forms.DateField(label="告知日期", widget=DATE)
    served_how = forms.CharField(label="送达方式", max_length=50, required=False)
    reasons = forms.CharField(label="拟列入理由", widget=TEXTAREA)

    def __init__(self, *args, list_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["list_type"].queryset = list_types or ListType.objects.none()
        self.order_fields(["list_type"])


class EnterDecidedForm(SubjectFields):
    """A decision whose notice and statement steps happened outside the platform."""

    list_type = forms.ModelChoiceField(ListType.objects.none(), label="名单类型")
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
        self.order_fields(["list_type"])


class StatementForm(ListForm):
    text = forms.CharField(label="陈述申辩意见", widget=TEXTAREA)
    answer = forms.CharField(label="核实答复", widget=TEXTAREA)


class DecideForm(ListForm):
    decision_number = forms.CharField(label="决定书文号", max_length=128)
    decision_date = forms.DateField(label="决定日期", widget=DATE)
    facts = forms.CharField(label="认定事实", widget=TEXTAREA)
    basis = forms.CharField(label="认定依据", widget=TEXTAREA)
    period_end = forms.DateField(
        label="有效期至", widget=DATE, required=False, help_text="留空按名单默认期限计算"
    )
    measures_note = forms.CharField(label="惩戒或激励措施", widget=TEXTAREA, required=False)


class PublishForm(ListForm):
    on = forms.DateField(label="公开日期", widget=DATE, required=False, help_text="留空为今天")


class RemoveForm(ListForm):
    kind = forms.ChoiceField(
        label="移出方式",
        choices=[(RemovalKind.APPLICATION, "申请提前移出"), (RemovalKind.REVOKED, "决定撤销")],
    )
    reason = forms.CharField(label="移出理由", widget=TEXTAREA)
    on = forms.DateField(label="移出日期", widget=DATE, required=False, help_text="留空为今天")


class WithdrawForm(ListForm):
    reason = forms.CharField(label="不予列入理由", widget=TEXTAREA)


class WaiveForm(ListForm):
    """The party's written waiver of its statement (书面放弃陈述申辩): date and document."""

    waived_on = forms.DateField(label="书面放弃日期", widget=DATE)
    document_number = forms.CharField(
        label="放弃陈述申辩书文号",
        max_length=128,
        required=False,
        help_text="文号与书面材料至少填写一项",
    )
    document = forms.FileField(
        label="书面放弃材料",
        required=False,
        help_text="PDF、JPG 或 PNG，不超过 10 MB；加密保存，不予公开",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean(self):
        data = super().clean()
        given = (data.get("document_number") or "").strip() or data.get("document")
        if not given and "document_number" not in self.errors and "document" not in self.errors:
            self.add_error("document_number", "请填写放弃陈述申辩书文号，或上传书面放弃材料")
        return data
