"""The data dictionary of a version in words: one row per field, for the page and the XLSX."""

from __future__ import annotations

from dataclasses import dataclass

from credit.catalog.models import DatasetVersion, Field
from credit.catalog.queries import fields_of

TYPE_WORDS = {
    "text": "文本",
    "date": "日期",
    "decimal": "数值",
    "enum": "单选代码",
    "multi_enum": "多选代码",
    "identifier": "证照代码",
}
IDENTIFIER_WORDS = {
    "uscc": "18 位统一社会信用代码（GB 32100）",
    "org_code": "9 位组织机构代码（GB 11714）",
    "id_number": "18 位公民身份号码（GB 11643）",
    "by_id_type": "证件类型为身份证时须为有效的公民身份号码（GB 11643）",
}
DATE_FORMAT = "YYYY/MM/DD"
COLUMNS = [
    "序号",
    "中文名称",
    "交换代码",
    "类型",
    "是否必填",
    "长度",
    "取值范围",
    "是否公开",
    "说明",
]


@dataclass(frozen=True)
class DictionaryRow:
    position: int
    label: str
    code: str
    type: str
    requirement: str
    length: str
    values: str
    public: str
    note: str

    def cells(self) -> list:
        return [
            self.position,
            self.label,
            self.code,
            self.type,
            self.requirement,
            self.length,
            self.values,
            self.public,
            self.note,
        ]


def dictionary_rows(version: DatasetVersion) -> list[DictionaryRow]:
    fields = fields_of(version)
    labels = {field.code: field.label for field in fields}
    return [
        DictionaryRow(
            position=field.position,
            label=field.label,
            code=field.code,
            type=TYPE_WORDS.get(field.type, field.type),
            requirement=requirement_words(field, labels),
            length=str(field.max_length) if field.max_length else "",
            values=value_words(field),
            public=public_words(field),
            note=note_words(field, labels),
        )
        for field in fields
    ]


def requirement_words(field: Field, labels: dict[str, str]) -> str:
    if field.required:
        return "必填"
    rule = field.required_when
    if rule:
        target = labels.get(rule["field"], rule["field"])
        if "in" in rule:
            chosen = "或".join(f"“{v}”" for v in rule["in"])
            return f"条件必填：{target}为{chosen}时必填"
        return f"条件必填：{target}含“{rule['contains']}”时必填"
    return "选填"


def value_words(field: Field) -> str:
    if field.type in ("enum", "multi_enum"):
        labels = field.rules.get("value_labels", {})
        items = [f"{v}-{labels[v]}" if v in labels else v for v in field.enum_values]
        text = "；".join(items)
        if field.enum_free_prefix:
            text += f"；或以“{field.enum_free_prefix}”开头写明具体内容"
        if field.type == "multi_enum":
            text = f"可多选，用“{field.rules.get('separator', ';')}”分隔：" + text
        if field.default:
            text += f"（未填写时取“{field.default}”）"
        return text
    if field.type == "identifier":
        return IDENTIFIER_WORDS.get(field.identifier, "")
    if field.type == "date":
        return f"日期，格式 {DATE_FORMAT}"
    if field.type == "decimal":
        bound = field.rules.get("min_exclusive")
        return f"大于 {bound} 的数值" if bound is not None else "数值"
    return ""


def public_words(field: Field) -> str:
    if not field.public:
        return "不公开"
    if field.masking:
        return "脱敏后公开"
    return "公开"


def note_words(field: Field, labels: dict[str, str]) -> str:
    notes = [field.help.rstrip("。；;. ")] if field.help else []
    if field.rules.get("not_future"):
        notes.append("不得晚于当日")
    ref = field.rules.get("not_before_field")
    if ref:
        notes.append(f"不得早于{labels.get(ref, ref)}")
    aliases = field.rules.get("aliases")
    if aliases:
        notes.append("表头也可写作：" + "、".join(aliases))
    return "；".join(notes) + "。" if notes else ""
