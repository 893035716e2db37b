"""The portal form of a repair application. It checks shape only; the repair and
application services decide (and name the field when they refuse)."""

from __future__ import annotations

from django import forms

from credit.applications.models import Relationship
from credit.core.forms import SafeInputMixin


class RepairForm(SafeInputMixin, forms.Form):
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
    statement = forms.CharField(
        label="修复理由及履行情况",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="如：罚款已缴清的日期、违法行为整改的情况",
    )
    commitment_accepted = forms.BooleanField(
        label="本人已阅读并同意上述信用修复承诺书",
        error_messages={"required": "请阅读并勾选信用修复承诺书"},
    )
    commitment_signed_name = forms.CharField(label="承诺人签名（姓名）", max_length=100)
