"""The portal form of a repair application and the credit office's window entry. They
check shape only; the repair and application services decide (and name the field when
they refuse)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from credit.applications.forms import PartyForm
from credit.repairs.models import FactKind


class RepairForm(PartyForm):
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
