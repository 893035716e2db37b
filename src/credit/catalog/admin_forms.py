"""The admin's dataset definition form: attributes as form fields, one block per field.

The form only translates between what a credit-office user fills in and a definition
(the same plain data a YAML file holds); every rule is checked afterwards by
`definition.check_definition`, so the admin shows exactly the messages a YAML file gets.
Rare field rules (证件类型字段, 取值含义, 默认值 ...) have no input of their own: they are
written in the field's 其他规则 box as a YAML mapping and merged in unchanged, so editing
a shipped definition in the admin never drops one.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from django import forms

from credit.catalog.definition import (
    CATEGORIES,
    IDENTIFIERS,
    MASKINGS,
    OPEN_ATTRS,
    PUBLICITY_RULES,
    ROLES,
    SECTIONS,
    SHARE_ATTRS,
    TYPES,
)
from credit.catalog.models import FieldType
from credit.core.forms import SafeInputMixin

SUBJECT_KIND_LABELS = {
    "organization": "法人及非法人组织",
    "sole_trader": "个体工商户",
    "person": "自然人",
}
ROLE_LABELS = {
    "subject_name": "主体名称",
    "subject_kind": "主体类别",
    "subject_uscc": "主体统一社会信用代码",
    "subject_org_code": "主体组织机构代码",
    "subject_id_type": "主体证件类型",
    "subject_id_number": "主体证件号码",
    "legal_rep": "法定代表人",
    "legal_rep_id_number": "法定代表人证件号码",
    "document_number": "决定文书号",
    "decision_date": "决定日期",
    "authority_name": "决定机关名称",
    "authority_uscc": "决定机关统一社会信用代码",
    "source_name": "数据来源单位",
    "source_uscc": "数据来源单位统一社会信用代码",
    "severity": "失信严重程度",
    "penalty_types": "处罚类别",
    "valid_from": "有效期自",
    "valid_to": "有效期至",
    "licence_status": "许可状态",
    "list_type": "名单类型",
}
PUBLICITY_LABELS = {
    "penalty_severity": "行政处罚（按严重程度/处罚类别）",
    "licence_validity": "行政许可（按有效期）",
    "valid_until": "有效期内公示（按截止日期字段）",
    "fixed_term": "自起始日期起按固定期限公示",
}
IDENTIFIER_LABELS = {
    "uscc": "统一社会信用代码",
    "org_code": "组织机构代码",
    "id_number": "身份证号码",
    "by_id_type": "按证件类型字段校验",
}
MASKING_LABELS = {"id_number": "证件号码脱敏", "name": "姓名脱敏"}
# Legacy rules that may stand alone as `publicity_rule` (attributes._LEGACY_PUBLICITY).
_LEGACY_RULES = {"penalty_severity", "licence_validity"}
# Field keys that have an input of their own; every other key goes to 其他规则.
_FORM_FIELD_KEYS = (
    "code",
    "label",
    "aliases",
    "type",
    "identifier",
    "values",
    "required",
    "required_when",
    "max_length",
    "masking",
    "public",
    "role",
    "help",
)
_CODES_SPLIT = re.compile(r"[\s,，、;；]+")


def _choices(values, labels: dict[str, str], blank: str | None = None) -> list[tuple[str, str]]:
    ordered = sorted(values, key=lambda v: (list(labels).index(v) if v in labels else 99, v))
    choices = [(v, f"{labels[v]}（{v}）" if v in labels else v) for v in ordered]
    return [("", blank), *choices] if blank is not None else choices


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _codes(text: str) -> list[str]:
    return [code for code in _CODES_SPLIT.split(text.strip()) if code]


def _text(value: str) -> str:
    # Browsers send CRLF from a textarea; YAML files hold LF.
    return value.replace("\r\n", "\n").strip()


class DefinitionForm(SafeInputMixin, forms.Form):
    """The dataset's own attributes (everything but the fields)."""

    code = forms.CharField(
        label="事项代码",
        max_length=50,
        help_text="小写字母开头，可含小写字母、数字、下划线，如 utility_arrears；保存后不能修改。",
    )
    name = forms.CharField(label="事项名称", max_length=100)
    category = forms.ChoiceField(
        label="信息类别",
        choices=[("", "（请选择）"), *[(c, f"{c}信息") for c in sorted(CATEGORIES)]],
    )
    national_category = forms.CharField(
        label="目录类别",
        max_length=50,
        required=False,
        help_text="如 补充目录：欠缴公用事业费信息。",
    )
    section = forms.ChoiceField(
        label="档案栏目",
        required=False,
        choices=[("", "其他（默认）"), *[(s, s) for s in SECTIONS]],
        help_text="信用档案中显示在哪个栏目。",
    )
    subject_kinds = forms.MultipleChoiceField(
        label="主体类别",
        required=False,
        choices=list(SUBJECT_KIND_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    share_attr = forms.ChoiceField(
        label="共享属性", choices=[("", "（请选择）"), *[(a, a) for a in sorted(SHARE_ATTRS)]]
    )
    open_attr = forms.ChoiceField(
        label="开放属性", choices=[("", "（请选择）"), *[(a, a) for a in sorted(OPEN_ATTRS)]]
    )
    business_key = forms.CharField(
        label="业务主键",
        max_length=500,
        required=False,
        help_text="字段交换代码，用逗号或空格分隔；须含决定机关统一社会信用代码字段。"
        "留空时为决定机关代码 + 决定文书号。",
    )
    publicity_rule = forms.ChoiceField(
        label="公示规则",
        required=False,
        choices=_choices(PUBLICITY_RULES, PUBLICITY_LABELS, blank="不公示"),
    )
    publicity_from = forms.CharField(
        label="公示起始日期字段", max_length=50, required=False, help_text="留空为决定日期。"
    )
    publicity_until = forms.CharField(
        label="公示截止日期字段", max_length=50, required=False, help_text="有效期内公示时必填。"
    )
    publicity_status_field = forms.CharField(label="有效状态字段", max_length=50, required=False)
    publicity_status_value = forms.CharField(label="有效状态取值", max_length=50, required=False)
    publicity_types = forms.CharField(
        label="处罚类别字段",
        max_length=50,
        required=False,
        help_text="按失信严重程度公示时，列明处罚类别（多值）的字段，用于按类别延长公示期。",
    )
    display_list = forms.CharField(
        label="列表展示字段",
        max_length=500,
        required=False,
        help_text="门户列表和信用档案中显示的字段交换代码，用逗号分隔；留空为前 4 个可公开字段。",
    )
    display_record = forms.CharField(
        label="详情展示字段",
        max_length=1000,
        required=False,
        help_text="记录详情页显示的字段交换代码；留空为全部可公开字段。",
    )
    display_check = forms.CharField(
        label="核查摘要字段",
        max_length=500,
        required=False,
        help_text="信用核查结果中显示的字段交换代码；留空为列表字段中除文书号、日期、机关外的字段。",
    )
    display_filter = forms.CharField(
        label="类别筛选字段",
        max_length=50,
        required=False,
        help_text="门户列表页按类别筛选所用的枚举字段；留空为列表字段中的第一个枚举字段。",
    )
    display_summary = forms.CharField(
        label="内容摘要字段",
        max_length=50,
        required=False,
        help_text="记录的一行内容摘要所用字段。",
    )
    display_position = forms.IntegerField(
        label="栏目内顺序", required=False, min_value=1, max_value=999
    )
    display_alias = forms.CharField(
        label="列表旧地址名",
        max_length=50,
        required=False,
        help_text="门户公示列表的旧地址名（如 penalties），用于兼容已发布的链接。",
    )
    check_summary = forms.ChoiceField(
        label="信用核查汇总",
        required=False,
        choices=[("", "按信息类别（不良信息汇总）"), ("true", "汇总"), ("false", "不汇总")],
    )
    standard = forms.CharField(label="数据标准版本", max_length=20, required=False)
    legal_basis = forms.CharField(label="设立依据", required=False, widget=forms.Textarea)
    providers = forms.CharField(
        label="提供单位",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一个部门名称。",
    )
    update_deadline_workdays = forms.IntegerField(
        label="报送时限（工作日）", required=False, min_value=1, max_value=365
    )
    update_frequency = forms.CharField(label="更新频率", max_length=50, required=False)
    retention = forms.CharField(label="保存期限", max_length=50, required=False)

    def __init__(self, *args, fixed_code: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_code = fixed_code
        if fixed_code is not None:
            self.fields["code"].disabled = True
            self.fields["code"].initial = fixed_code

    def attributes(self) -> dict[str, Any]:
        """The dataset keys of the definition, in the order the shipped files use."""
        data = self.cleaned_data
        out: dict[str, Any] = {"code": self.fixed_code or data["code"], "name": data["name"]}
        for key in ("standard",):
            if data[key]:
                out[key] = data[key]
        out["category"] = data["category"]
        for key in ("national_category", "section"):
            if data[key]:
                out[key] = data[key]
        if data["subject_kinds"]:
            out["subject_kinds"] = [k for k in SUBJECT_KIND_LABELS if k in data["subject_kinds"]]
        if _lines(data["providers"]):
            out["providers"] = _lines(data["providers"])
        if _text(data["legal_basis"]):
            out["legal_basis"] = _text(data["legal_basis"])
        out["share_attr"] = data["share_attr"]
        out["open_attr"] = data["open_attr"]
        if _codes(data["business_key"]):
            out["business_key"] = _codes(data["business_key"])
        rule = data["publicity_rule"]
        spec: dict[str, Any] = {}
        for key, name in (("from", "publicity_from"), ("until", "publicity_until")):
            if data[name]:
                spec[key] = data[name]
        if data["publicity_status_field"] or data["publicity_status_value"]:
            spec["status"] = {
                "field": data["publicity_status_field"],
                "value": data["publicity_status_value"],
            }
        if data["publicity_types"]:
            spec["types"] = data["publicity_types"]
        if rule in _LEGACY_RULES and not spec:
            out["publicity_rule"] = rule
        elif rule or spec:
            out["publicity"] = {"rule": rule, **spec} if rule else spec
        display = {}
        for key, name in (
            ("list", "display_list"),
            ("record", "display_record"),
            ("check", "display_check"),
        ):
            if _codes(data[name]):
                display[key] = _codes(data[name])
        for key in ("filter", "summary", "alias"):
            if data[f"display_{key}"]:
                display[key] = data[f"display_{key}"]
        if data["display_position"] is not None:
            display["position"] = data["display_position"]
        if display:
            out["display"] = display
        if data["check_summary"]:
            out["check_summary"] = data["check_summary"] == "true"
        if data["update_deadline_workdays"] is not None:
            out["update_deadline_workdays"] = data["update_deadline_workdays"]
        for key in ("update_frequency", "retention"):
            if data[key]:
                out[key] = data[key]
        return out


class FieldForm(SafeInputMixin, forms.Form):
    """One field of the definition."""

    position = forms.IntegerField(
        label="序号", required=False, min_value=1, help_text="调整顺序用；留空保持原位置。"
    )
    code = forms.CharField(
        label="交换代码", max_length=50, required=False, help_text="大写字母开头，如 QF_JE。"
    )
    label = forms.CharField(label="中文名称（表头）", max_length=100, required=False)
    type = forms.ChoiceField(
        label="类型", choices=_choices(TYPES, dict(FieldType.choices)), initial="text"
    )
    required = forms.BooleanField(label="必填", required=False)
    required_when_field = forms.CharField(
        label="条件必填：依据字段", max_length=50, required=False, help_text="枚举字段的交换代码。"
    )
    required_when_values = forms.CharField(
        label="条件必填：取值为",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="依据字段取这些值时必填，每行一个。",
    )
    required_when_contains = forms.CharField(
        label="条件必填：取值包含", max_length=50, required=False
    )
    max_length = forms.IntegerField(label="最大长度", required=False, min_value=1)
    values = forms.CharField(
        label="枚举取值",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="枚举、多选枚举类型填写，每行一个。",
    )
    identifier = forms.ChoiceField(
        label="证照代码类型",
        required=False,
        choices=_choices(IDENTIFIERS, IDENTIFIER_LABELS, blank="（非证照代码）"),
    )
    role = forms.ChoiceField(
        label="映射核心字段", required=False, choices=_choices(ROLES, ROLE_LABELS, blank="（无）")
    )
    public = forms.BooleanField(label="可公开", required=False, initial=True)
    masking = forms.ChoiceField(
        label="脱敏规则",
        required=False,
        choices=_choices(MASKINGS, MASKING_LABELS, blank="（不脱敏）"),
    )
    aliases = forms.CharField(
        label="表头别名",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="部门文件中也可使用的表头，每行一个。",
    )
    help = forms.CharField(
        label="填写说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    other = forms.CharField(
        label="其他规则",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="YAML 映射，如 {not_future: true} 或 {id_type_field: XX_ZJLX}。",
    )

    def clean_other(self) -> dict[str, Any]:
        text = _text(self.cleaned_data["other"])
        if not text:
            return {}
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise forms.ValidationError(f"其他规则无法解析（{exc}）") from exc
        if not isinstance(value, dict):
            raise forms.ValidationError("其他规则须为“键: 值”的映射，如 {not_future: true}")
        taken = sorted(str(k) for k in value if k in _FORM_FIELD_KEYS)
        if taken:
            raise forms.ValidationError(f"其他规则中的“{'、'.join(taken)}”请在对应栏目中填写")
        return value

    def spec(self) -> dict[str, Any]:
        """The field as a definition holds it; empty inputs are left out, as in YAML."""
        data = self.cleaned_data
        out: dict[str, Any] = {"code": data["code"], "label": data["label"]}
        if _lines(data["aliases"]):
            out["aliases"] = _lines(data["aliases"])
        out["type"] = data["type"]
        if data["identifier"]:
            out["identifier"] = data["identifier"]
        if _lines(data["values"]):
            out["values"] = _lines(data["values"])
        if data["required"]:
            out["required"] = True
        when_field = data["required_when_field"]
        if when_field or data["required_when_contains"] or _lines(data["required_when_values"]):
            if data["required_when_contains"]:
                out["required_when"] = {
                    "field": when_field,
                    "contains": data["required_when_contains"],
                }
            else:
                out["required_when"] = {
                    "field": when_field,
                    "in": _lines(data["required_when_values"]),
                }
        if data["max_length"] is not None:
            out["max_length"] = data["max_length"]
        if data["masking"]:
            out["masking"] = data["masking"]
        if not data["public"]:
            out["public"] = False
        if data["role"]:
            out["role"] = data["role"]
        if _text(data["help"]):
            out["help"] = _text(data["help"])
        out.update(data["other"])
        return out


class BaseFieldFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "删除此字段"

    def specs(self) -> list[dict[str, Any]]:
        """The kept fields in order: by 序号 where given, else where they stand."""
        kept = [
            (form.cleaned_data.get("position") or index + 1, index, form.spec())
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not self._should_delete_form(form)
        ]
        return [spec for _, _, spec in sorted(kept, key=lambda item: item[:2])]


FieldFormSet = forms.formset_factory(
    FieldForm, formset=BaseFieldFormSet, extra=2, can_delete=True, max_num=300
)


def build_definition(form: DefinitionForm, formset: BaseFieldFormSet) -> dict[str, Any]:
    """The definition both forms describe (call after both are valid)."""
    return {**form.attributes(), "fields": formset.specs()}


def initial_of(definition: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Form and formset initial data for an existing definition."""
    publicity = definition.get("publicity") or {}
    status = publicity.get("status") or {}
    display = definition.get("display") or {}
    summary = definition.get("check_summary")
    form = {
        "code": definition.get("code", ""),
        "name": definition.get("name", ""),
        "category": definition.get("category", ""),
        "national_category": definition.get("national_category", ""),
        "section": definition.get("section", ""),
        "subject_kinds": definition.get("subject_kinds", []),
        "share_attr": definition.get("share_attr", ""),
        "open_attr": definition.get("open_attr", ""),
        "business_key": ", ".join(definition.get("business_key", [])),
        "publicity_rule": publicity.get("rule") or definition.get("publicity_rule", ""),
        "publicity_from": publicity.get("from", ""),
        "publicity_until": publicity.get("until", ""),
        "publicity_status_field": status.get("field", ""),
        "publicity_status_value": status.get("value", ""),
        "publicity_types": publicity.get("types", ""),
        "display_list": ", ".join(display.get("list", [])),
        "display_record": ", ".join(display.get("record", [])),
        "display_check": ", ".join(display.get("check", [])),
        "display_filter": display.get("filter", ""),
        "display_summary": display.get("summary", ""),
        "display_position": display.get("position"),
        "display_alias": display.get("alias", ""),
        "check_summary": "" if summary is None else ("true" if summary else "false"),
        "standard": definition.get("standard", ""),
        "legal_basis": definition.get("legal_basis", ""),
        "providers": "\n".join(definition.get("providers", [])),
        "update_deadline_workdays": definition.get("update_deadline_workdays"),
        "update_frequency": definition.get("update_frequency", ""),
        "retention": definition.get("retention", ""),
    }
    fields = []
    for position, spec in enumerate(definition.get("fields", []), start=1):
        when = spec.get("required_when") or {}
        other = {k: v for k, v in spec.items() if k not in _FORM_FIELD_KEYS}
        fields.append(
            {
                "position": position,
                "code": spec.get("code", ""),
                "label": spec.get("label", ""),
                "type": spec.get("type", "text"),
                "required": bool(spec.get("required")),
                "required_when_field": when.get("field", ""),
                "required_when_values": "\n".join(when.get("in", [])),
                "required_when_contains": when.get("contains", ""),
                "max_length": spec.get("max_length"),
                "values": "\n".join(spec.get("values", [])),
                "identifier": spec.get("identifier", ""),
                "role": spec.get("role", ""),
                "public": spec.get("public", True),
                "masking": spec.get("masking", ""),
                "aliases": "\n".join(spec.get("aliases", [])),
                "help": spec.get("help", ""),
                "other": yaml.safe_dump(other, allow_unicode=True, default_flow_style=True).strip()
                if other
                else "",
            }
        )
    return form, fields


def same_meaning(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two definitions differ only in keys that restate a default (`required:
    false`, `public: true`, an empty list): saving the form unchanged makes no version."""
    return _meaning(one) == _meaning(other)


def _meaning(definition: dict[str, Any]) -> dict[str, Any]:
    defaults = {"required": False, "public": True, "not_future": False}

    def kept(mapping: dict, skip: dict) -> dict:
        return {
            k: v
            for k, v in mapping.items()
            if v not in ("", [], {}, None) and not (k in skip and skip[k] == v)
        }

    out = kept({k: v for k, v in definition.items() if k != "fields"}, {})
    out["fields"] = [kept(f, defaults) for f in definition.get("fields", [])]
    return out


def definition_yaml(definition: dict[str, Any], header: str = "") -> str:
    """A definition as a YAML file that `credit load_catalog` reads back to the same hash."""
    text = yaml.safe_dump(
        definition, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return comment + text
