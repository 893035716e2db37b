"""Forms of the objection pages (portal form, window entry, console actions). They check
shape only; the services decide (and name the field when they refuse)."""

from __future__ import annotations

from django import forms

from credit.applications.models import Relationship
from credit.applications.services import Party
from credit.core.forms import SafeInputMixin
from credit.objections.models import FactKind, Outcome


class ObjectionForm(SafeInputMixin, forms.Form):
    subject_name = forms.CharField(label="主体名称", max_length=200)
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        required=False,
        help_text="法人及其他组织、个体工商户填写",
    )
    id_number = forms.CharField(
        label="身份证号", max_length=18, required=False, help_text="自然人填写"
    )
    applicant_name = forms.CharField(label="申请人姓名", max_length=100)
    applicant_phone = forms.CharField(label="申请人电话", max_length=20)
    applicant_relationship = forms.ChoiceField(
        label="申请人与主体关系", choices=Relationship.choices
    )
    agent_name = forms.CharField(label="代理人姓名", max_length=100, required=False)
    agent_phone = forms.CharField(label="代理人电话", max_length=20, required=False)
    agent_relationship = forms.CharField(label="代理人与主体关系", max_length=100, required=False)
    reason = forms.CharField(
        label="异议内容及理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def party(self) -> Party:
        data = self.cleaned_data
        return Party(**{k: data.get(k, "") for k in Party.__dataclass_fields__})


class WindowObjectionForm(ObjectionForm):
    """The credit office enters an objection received at the service window: the fact is
    named by its document number, as the applicant's papers name it."""

    fact_kind = forms.ChoiceField(label="异议信息类型", choices=FactKind.choices)
    doc_number = forms.CharField(label="决定文书号", max_length=128)

    field_order = ["fact_kind", "doc_number"]


class StatusForm(SafeInputMixin, forms.Form):
    tracking_number = forms.CharField(label="受理编号", max_length=20)
    query_code = forms.CharField(label="查询码", max_length=40)


class NoteForm(SafeInputMixin, forms.Form):
    note = forms.CharField(
        label="办理意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SelfCheckForm(NoteForm):
    platform_error = forms.BooleanField(label="属于平台差错（已即时更正）", required=False)


class VerifyForm(NoteForm):
    outcome = forms.ChoiceField(label="处理结果", choices=Outcome.choices)
