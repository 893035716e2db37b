"""Forms of the review pages: choices are the public ids of the subjects on the page."""

from __future__ import annotations

from django import forms

from credit.core.forms import SafeInputMixin

MERGE = "merge"
DISTINCT = "distinct"


class DecideForm(SafeInputMixin, forms.Form):
    action = forms.ChoiceField(
        label="操作", choices=[(MERGE, "合并"), (DISTINCT, "确认为不同主体")]
    )
    survivor = forms.ChoiceField(label="保留主体", required=False)
    selected = forms.MultipleChoiceField(label="所选主体", required=False)
    reason = forms.CharField(
        label="理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.public_id, s.name) for s in subjects]
        self.fields["survivor"].choices = choices
        self.fields["selected"].choices = choices

    def clean(self):
        data = super().clean()
        action = data.get("action")
        selected = data.get("selected") or []
        survivor = data.get("survivor")
        if action == MERGE:
            if not survivor:
                self.add_error("survivor", "请选择保留主体")
            merged = [p for p in selected if p != survivor]
            if not merged:
                self.add_error("selected", "请勾选要合并到保留主体的主体（保留主体本身除外）")
            data["merged"] = merged
        elif action == DISTINCT and not selected:
            self.add_error("selected", "请勾选要确认为不同主体的主体")
        return data


class UndoForm(SafeInputMixin, forms.Form):
    reason = forms.CharField(
        label="撤销理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NameForm(SafeInputMixin, forms.Form):
    decision = forms.ChoiceField(
        label="处理", choices=[("keep", "保留登记名称"), ("adopt", "采用报送名称")]
    )
    reason = forms.CharField(label="说明", max_length=1000, required=False)
