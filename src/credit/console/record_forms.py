"""Forms of 本单位记录: parse input only; records.services and collection.corrections decide."""

from __future__ import annotations

from django import forms

from credit.core.forms import SafeInputMixin, guard_field
from credit.records.models import WithdrawalBasis

DATE = forms.DateInput(attrs={"type": "date"})


class _Form(SafeInputMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class WithdrawForm(_Form):
    basis = forms.ChoiceField(label="撤回依据", choices=WithdrawalBasis.choices)
    document_number = forms.CharField(
        label="依据文书号",
        max_length=128,
        required=False,
        help_text="复议决定书、判决书或撤销决定书的文号；错误公示可不填",
    )
    document_date = forms.DateField(
        label="依据文书日期", required=False, widget=DATE, help_text="错误公示可不填"
    )
    reason = forms.CharField(
        label="撤回原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CorrectForm(_Form):
    """The dataset's fields with the record's values, and the reason. The fields naming the
    decision are shown but cannot be changed; an ID number is never shown back."""

    reason = forms.CharField(
        label="更正原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = list(fields)
        for item in self.shown:
            f = item.field
            help_text = f.help or ""
            if item.secret:
                kept = item.value or "无"
                help_text = f"留空则保持原证件号码（{kept}）；填写则替换"
            field = forms.CharField(
                label=f.label,
                required=False,
                initial="" if item.secret else item.value,
                disabled=item.fixed,
                help_text="标识该决定，不能更正" if item.fixed else help_text,
                max_length=max(f.max_length or 4000, 64),
                widget=forms.Textarea(attrs={"rows": 2})
                if (f.max_length or 4000) > 200
                else forms.TextInput(attrs={"autocomplete": "off"} if item.secret else {}),
            )
            guard_field(field)
            self.fields[f"f_{f.code}"] = field
        # The reason last, under the fields it explains.
        self.fields["reason"] = self.fields.pop("reason")

    def changes(self) -> dict[str, str]:
        """The fields whose value differs from the record's (an ID number when typed)."""
        out = {}
        for item in self.shown:
            if item.fixed:
                continue
            value = (self.cleaned_data.get(f"f_{item.field.code}") or "").strip()
            if item.secret:
                if value:
                    out[item.field.code] = value
            elif value != item.value:
                out[item.field.code] = value
        return out
