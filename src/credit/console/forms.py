"""Forms of the staff workbench: batch upload and the batch list filters."""

from __future__ import annotations

from pathlib import Path

from django import forms

from credit.accounts.models import Department
from credit.catalog import queries as catalog
from credit.collection.models import BatchState, Policy
from credit.core.forms import SafeInputMixin

UPLOAD_SUFFIXES = (".csv", ".xlsx")
MAX_UPLOAD_MB = 200


def dataset_choices() -> list[tuple[str, str]]:
    """Only datasets with a loaded definition can receive data."""
    return [(d.code, d.name) for d in catalog.list_datasets() if d.current_version_id]


class UploadForm(SafeInputMixin, forms.Form):
    dataset = forms.ChoiceField(label="信息事项")
    department = forms.ModelChoiceField(
        label="报送单位", queryset=Department.objects.order_by("name"), empty_label=None
    )
    file = forms.FileField(
        label="数据文件",
        help_text=f"支持 CSV（UTF-8 或 GB18030 编码）和 XLSX 格式，不超过 {MAX_UPLOAD_MB} MB。",
    )
    policy = forms.ChoiceField(
        label="处理策略",
        choices=Policy.choices,
        initial=Policy.REJECT_ALL,
        widget=forms.RadioSelect,
    )
    dry_run = forms.BooleanField(
        label="仅校验（检查文件，不写入任何数据）", required=False, initial=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = dataset_choices()
        # Only the credit office uploads on behalf of another department.
        if user.is_credit_admin:
            self.fields["department"].initial = user.department_id
        else:
            del self.fields["department"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError("文件格式不支持，请上传 CSV 或 XLSX 文件")
        if upload.size == 0:
            raise forms.ValidationError("文件为空，请检查后重新上传")
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"文件超过 {MAX_UPLOAD_MB} MB，请拆分后分批上传")
        return upload


class BatchFilterForm(SafeInputMixin, forms.Form):
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部")] + list(BatchState.choices)
    )
    dataset = forms.ChoiceField(label="信息事项", required=False)
    # The console home's "超期报送记录 N" links here: the batches that N adds up.
    late = forms.BooleanField(label="仅含超期报送记录的批次", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [("", "全部")] + [
            (d.code, d.name) for d in catalog.list_datasets()
        ]

    def apply(self, batches):
        if not self.is_valid():
            return batches
        if state := self.cleaned_data.get("state"):
            batches = batches.filter(state=state)
        if dataset := self.cleaned_data.get("dataset"):
            batches = batches.filter(dataset__code=dataset)
        if self.cleaned_data.get("late"):
            batches = batches.filter(**LATE_BATCHES)
        return batches


# Batches whose late rows the console home counts: finished imports, not dry runs.
LATE_BATCHES = {"state": BatchState.DONE, "dry_run": False, "late_rows__gt": 0}
