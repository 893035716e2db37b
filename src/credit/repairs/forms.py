"""The portal form of a repair application and the credit office's window entry. They
check shape only; the repair and application services decide (and name the field when
they refuse)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from credit.applications.models import Relationship
from credit.core.forms import SafeInputMixin
from credit.repairs.models import FactKind


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


class WindowRepairForm(RepairForm):
    """The credit office enters a repair application received at the service window: the
    fact is named by its document number as the papers name it, and the 信用修复型
    commitment was signed by name on paper."""

    fact_kind = forms.ChoiceField(label="申请修复的信息类型", choices=FactKind.choices)
    doc_number = forms.CharField(label="决定文书号", max_length=128)
    received_on = forms.DateField(
        label="窗口收件日期",
        required=False,
        help_text="不填为今天；受理期限从收件日起算",
        error_messages={"invalid": "请填写有效的日期，如 2026-12-06"},
    )
    commitment_accepted = forms.BooleanField(
        label="申请人已签署书面信用修复承诺书",
        error_messages={"required": "请确认申请人已签署书面信用修复承诺书"},
    )
    commitment_signed_name = forms.CharField(label="书面承诺签署人姓名", max_length=100)

    field_order = ["fact_kind", "doc_number", "received_on"]

    def clean_received_on(self) -> dt.date | None:
        value = self.cleaned_data.get("received_on")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError("收件日期不能晚于今天")
        return value
