from django import forms

from credit.core.forms import SafeInputMixin

MAX_PDF_BYTES = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    number = forms.CharField(
        label="报告编号",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="22 位数字，印在报告封面和每页页眉。",
    )
    file = forms.FileField(
        label="报告文件（PDF）",
        required=False,
        help_text="上传平台出具的报告文件，核对是否与平台签发的文件完全一致。",
    )

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if number and (len(number) != 22 or not number.isdigit()):
            raise forms.ValidationError("报告编号应为 22 位数字")
        return number

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError("文件超过 20 MB，不是平台出具的信用报告")
        if upload.size == 0:
            raise forms.ValidationError("上传的文件是空文件")
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError("上传的文件不是 PDF 文件")
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("number") and data.get("file") is None:
            raise forms.ValidationError("请输入报告编号，或上传报告文件")
        return data

    def file_bytes(self) -> bytes:
        upload = self.cleaned_data["file"]
        return b"".join(upload.chunks())


class SpecialReportForm(forms.Form):
    """The credit office's special report: which subject, which period, which domains."""

    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        min_length=18,
        help_text="申请主体的 18 位统一社会信用代码。",
    )
    period_from = forms.DateField(label="查询期间自", help_text="默认 2020年9月1日。")
    period_to = forms.DateField(label="查询期间至")
    domains = forms.ModelMultipleChoiceField(
        label="查询领域",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个领域"},
    )

    def __init__(self, *args, **kwargs):
        from credit.reports.models import ReportDomain

        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = ReportDomain.objects.filter(active=True)

    def clean_uscc(self) -> str:
        from credit.core.identifiers import is_valid_uscc

        value = self.cleaned_data["uscc"].strip().upper()
        if not is_valid_uscc(value):
            raise forms.ValidationError("统一社会信用代码校验不通过，请核对")
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_from", "起始日不能晚于截止日")
        return data


class SpecialReportApplicationForm(SafeInputMixin, forms.Form):
    """The subject's application for a special report (portal): who applies, the period and
    domains. Shape only; `reports.applications.submit` decides and names the field."""

    subject_name = forms.CharField(label="主体名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    applicant_name = forms.CharField(label="申请人姓名", max_length=100)
    applicant_phone = forms.CharField(label="申请人电话", max_length=20)
    applicant_relationship = forms.ChoiceField(label="申请人与主体关系", choices=())
    agent_name = forms.CharField(label="代理人姓名", max_length=100, required=False)
    agent_phone = forms.CharField(label="代理人电话", max_length=20, required=False)
    agent_relationship = forms.CharField(label="代理人与主体关系", max_length=100, required=False)
    period_from = forms.DateField(
        label="查询期间自",
        help_text="默认 2020年9月1日。",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_to = forms.DateField(
        label="查询期间至", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    domains = forms.ModelMultipleChoiceField(
        label="查询领域",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个领域"},
    )
    purpose = forms.CharField(
        label="用途",
        max_length=200,
        required=False,
        help_text="如：政府采购投标、专项资金申报。",
    )

    def __init__(self, *args, **kwargs):
        from credit.applications.models import Relationship
        from credit.reports.models import ReportDomain

        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = ReportDomain.objects.filter(active=True)
        self.fields["applicant_relationship"].choices = Relationship.choices

    def party(self):
        from credit.applications.services import Party

        data = self.cleaned_data
        return Party(**{k: data.get(k, "") or "" for k in Party.__dataclass_fields__})


class ApplicationNoteForm(SafeInputMixin, forms.Form):
    note = forms.CharField(
        label="办理意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
