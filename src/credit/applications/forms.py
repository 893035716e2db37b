"""The party of a public application (objection, repair) as the portal form and the window
entry take it: the subject, the applicant and any agent. Shape only; the application
services check the subject against the fact and name the field when they refuse."""

from __future__ import annotations

from django import forms

from credit.applications.models import Relationship
from credit.applications.services import Party
from credit.core.forms import SafeInputMixin


class PartyForm(SafeInputMixin, forms.Form):
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

    def party(self) -> Party:
        data = self.cleaned_data
        return Party(**{k: data.get(k, "") for k in Party.__dataclass_fields__})
