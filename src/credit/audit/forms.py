from __future__ import annotations

from django import forms

from credit.audit.queries import LogFilter
from credit.core.forms import SafeInputMixin, SearchField


class LogFilterForm(SafeInputMixin, forms.Form):
    date_from = forms.DateField(label="开始日期", required=False)
    date_to = forms.DateField(label="结束日期", required=False)
    actor = SearchField(label="操作者", required=False, max_length=150)
    action = SearchField(label="操作", required=False, max_length=100)
    object_id = SearchField(label="对象标识", required=False, max_length=64)
    subject_name = SearchField(label="主体名称", required=False, max_length=200)
    uscc = SearchField(label="统一社会信用代码", required=False, max_length=18)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期")
        return data

    def to_filter(self) -> LogFilter:
        if not self.is_valid():
            return LogFilter()
        data = self.cleaned_data
        return LogFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor=(data.get("actor") or "").strip(),
            action=(data.get("action") or "").strip(),
            object_id=(data.get("object_id") or "").strip(),
            subject_name=(data.get("subject_name") or "").strip(),
            uscc=(data.get("uscc") or "").strip(),
        )
