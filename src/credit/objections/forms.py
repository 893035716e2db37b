"""Forms of the objection pages (portal form, window entry, console actions). They check
shape only; the services decide (and name the field when they refuse)."""

from __future__ import annotations

from django import forms

from credit.applications.forms import PartyForm
from credit.core.forms import SafeInputMixin
from credit.objections.models import FactKind, Outcome


class ObjectionForm(PartyForm):
    reason = forms.CharField(
        label="异议内容及理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


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
