"""Reading and strictly checking a catalog definition (definitions/*.yaml).

A definition is data the credit office edits; a typo in it would silently change how
every department's file is validated. So every key, type, role and cross-reference is
checked here, and every problem is reported in Chinese with the file and field named.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

from credit.core.errors import ServiceError
from credit.core.normalize import header_key

DATASET_KEYS = {
    "code",
    "name",
    "standard",
    "category",
    "subject_kinds",
    "providers",
    "legal_basis",
    "share_attr",
    "open_attr",
    "publicity_rule",
    "update_deadline_workdays",
    "update_frequency",
    "retention",
    "fields",
    "national_category",
    "section",
    "business_key",
    "publicity",
    "display",
    "check_summary",
}
DATASET_REQUIRED = {"code", "name", "category", "share_attr", "open_attr", "fields"}
FIELD_KEYS = {
    "code",
    "label",
    "type",
    "identifier",
    "id_type_field",
    "required",
    "required_when",
    "max_length",
    "values",
    "value_labels",
    "free_prefix",
    "separator",
    "default",
    "masking",
    "public",
    "role",
    "help",
    "min_exclusive",
    "not_future",
    "not_before_field",
    "aliases",
}
# Keys of a field that have no column on Field and live in Field.rules.
RULE_KEYS = (
    "separator",
    "id_type_field",
    "value_labels",
    "min_exclusive",
    "not_future",
    "not_before_field",
    "aliases",
)
TYPES = {"text", "date", "decimal", "enum", "multi_enum", "identifier"}
IDENTIFIERS = {"uscc", "org_code", "id_number", "by_id_type"}
ROLES = {
    "subject_name",
    "subject_kind",
    "subject_uscc",
    "subject_org_code",
    "subject_id_type",
    "subject_id_number",
    "legal_rep",
    "legal_rep_id_number",
    "document_number",
    "decision_date",
    "authority_name",
    "authority_uscc",
    "source_name",
    "source_uscc",
    "severity",
    "penalty_types",
    "valid_from",
    "valid_to",
    "licence_status",
    "list_type",
}
CATEGORIES = {"基础", "良好", "不良"}
SHARE_ATTRS = {"无条件共享", "有条件共享", "不予共享"}
OPEN_ATTRS = {"社会公开", "依申请公开", "不予公开"}
SUBJECT_KINDS = {"organization", "sole_trader", "person"}
PUBLICITY_RULES = {"penalty_severity", "licence_validity", "valid_until", "fixed_term"}
# Rules that need the `until` date field (public until that date).
UNTIL_RULES = {"licence_validity", "valid_until"}
PUBLICITY_KEYS = {"rule", "from", "until", "status", "types"}
# Profile sections, in the order the profile shows them (domain: 信用档案).
# 信用中国's report: 严重失信主体名单 and the red lists in 诚实守信 show list entries too.
SECTIONS = (
    "基本信息",
    "行政管理",
    "诚实守信",
    "严重失信主体名单",
    "经营异常",
    "信用承诺",
    "信用评价",
    "司法判决",
    "其他",
)
# list/record: fields the portal shows; check: what a credit check's answer summarises;
# filter: the list page's 类别 filter (an enum field); summary: the one-line 内容 of a
# record; position: order within its section; alias: an older name of its public list
# (URL /publicity/<alias>/, public API key).
DISPLAY_KEYS = {"list", "record", "check", "filter", "summary", "position", "alias"}
MASKINGS = {"id_number", "name"}
ENUM_TYPES = {"enum", "multi_enum"}
# Column widths of Field / DatasetVersion; longer values would fail at insert time.
_FIELD_LIMITS = {"code": 50, "label": 100, "default": 50, "free_prefix": 10}
_CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
_FIELD_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,49}$")


class DefinitionError(ServiceError):
    """A definition file that cannot be loaded. `problems` lists each finding."""

    def __init__(self, filename: str, problems: list[str]):
        self.filename = filename
        self.problems = problems
        message = f"目录定义文件 {filename} 有误：" + "；".join(problems)
        super().__init__("catalog_definition_invalid", message)


def read_definition(path: Path) -> dict[str, Any]:
    """Parse and check one YAML file; return the definition as stored (plain JSON data)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DefinitionError(path.name, [f"无法解析 YAML（{exc}）"]) from exc
    problems = check_definition(data)
    if problems:
        raise DefinitionError(path.name, problems)
    return data


def definition_hash(definition: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON form: key order and YAML layout do not matter."""
    canonical = json.dumps(definition, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_definition(data: Any) -> list[str]:
    """Every problem of a parsed definition, in Chinese; empty when it is sound."""
    if not isinstance(data, dict):
        return ["文件内容必须是键值映射（code、name、fields 等）"]
    problems: list[str] = []
    for key in sorted(set(data) - DATASET_KEYS, key=str):
        problems.append(f"未知的键“{key}”")
    for key in sorted(DATASET_REQUIRED - set(data)):
        problems.append(f"缺少必填键“{key}”")

    code = data.get("code")
    if "code" in data and not (isinstance(code, str) and _CODE_RE.match(code)):
        problems.append(f"事项代码“{code}”须为小写字母开头的字母、数字、下划线")
    _check_text(problems, data, "name", "事项名称", 100, required=True)
    _check_text(problems, data, "standard", "数据标准版本", 20)
    _check_text(problems, data, "legal_basis", "设立依据", None)
    _check_text(problems, data, "update_frequency", "更新频率", 50)
    _check_text(problems, data, "retention", "保存期限", 50)
    _check_choice(problems, data, "category", "信息类别", CATEGORIES)
    _check_choice(problems, data, "share_attr", "共享属性", SHARE_ATTRS)
    _check_choice(problems, data, "open_attr", "开放属性", OPEN_ATTRS)
    _check_choice(problems, data, "publicity_rule", "公示规则", PUBLICITY_RULES)
    _check_text(problems, data, "national_category", "全国目录类别", 50)
    _check_choice(problems, data, "section", "档案栏目", set(SECTIONS))
    if "check_summary" in data and not isinstance(data["check_summary"], bool):
        problems.append("信用核查汇总 check_summary 须为 true 或 false")
    if "subject_kinds" in data:
        kinds = data["subject_kinds"]
        if not _is_str_list(kinds) or not kinds:
            problems.append("主体类别 subject_kinds 须为非空列表")
        else:
            for kind in kinds:
                if kind not in SUBJECT_KINDS:
                    problems.append(f"未知的主体类别“{kind}”（可选：{_join(SUBJECT_KINDS)}）")
    if "providers" in data and not _is_str_list(data["providers"]):
        problems.append("提供单位 providers 须为部门名称列表")
    if "update_deadline_workdays" in data:
        days = data["update_deadline_workdays"]
        if not (isinstance(days, int) and not isinstance(days, bool) and days > 0):
            problems.append("报送时限 update_deadline_workdays 须为正整数")

    fields = data.get("fields")
    if "fields" in data:
        if not isinstance(fields, list) or not fields:
            problems.append("fields 须为非空的字段列表")
        else:
            problems.extend(_check_fields(fields))
            problems.extend(_check_attributes(data, fields))
    return problems


def _check_attributes(data: dict, fields: list) -> list[str]:
    """Dataset attributes that name fields: business key, publicity dates, display lists."""
    problems: list[str] = []
    by_code = {f.get("code"): f for f in fields if isinstance(f, dict) and _is_text(f.get("code"))}
    by_role = {
        f.get("role"): f.get("code")
        for f in fields
        if isinstance(f, dict) and _is_text(f.get("role"))
    }

    def field_ref(value, title: str, types: set[str] | None = None) -> bool:
        if not isinstance(value, str) or value not in by_code:
            problems.append(f"{title} 引用了不存在的字段“{value}”")
            return False
        if types and by_code[value].get("type") not in types:
            problems.append(f"{title} 引用的字段 {value} 须为{_join(types)}类型")
            return False
        return True

    if "business_key" in data:
        key = data["business_key"]
        if not _is_str_list(key) or not key:
            problems.append("业务主键 business_key 须为非空的字段代码列表")
        else:
            for code in key:
                field_ref(code, "业务主键 business_key")
            authority = by_role.get("authority_uscc")
            if authority not in key:
                problems.append(
                    "业务主键 business_key 须包含决定机关统一社会信用代码字段（角色 authority_uscc）"
                )
            if len(set(key)) != len(key):
                problems.append("业务主键 business_key 中的字段重复")
            if len(key) < 2:
                problems.append("业务主键 business_key 须在机关代码之外至少再含一个字段")
    if "document_number" not in by_role and "business_key" not in data:
        problems.append("没有文书号字段（角色 document_number）时须用 business_key 指明业务主键")

    if "publicity" in data:
        if "publicity_rule" in data:
            problems.append("publicity 与 publicity_rule 不能同时使用")
        spec = data["publicity"]
        if not isinstance(spec, dict):
            problems.append("公示规则 publicity 须为 {rule: 规则, from: 字段, until: 字段} 映射")
        else:
            for key in sorted(set(spec) - PUBLICITY_KEYS, key=str):
                problems.append(f"公示规则 publicity：未知的键“{key}”")
            rule = spec.get("rule")
            if not _is_text(rule) or rule not in PUBLICITY_RULES:
                problems.append(
                    f"公示规则 publicity.rule 的取值“{rule}”无效（可选：{_join(PUBLICITY_RULES)}）"
                )
            for key in ("from", "until"):
                if key in spec:
                    field_ref(spec[key], f"公示规则 publicity.{key}", {"date"})
            if "types" in spec:
                field_ref(spec["types"], "公示规则 publicity.types", ENUM_TYPES)
            if _is_text(rule) and rule in UNTIL_RULES and "until" not in spec:
                problems.append(f"公示规则 {rule} 须用 publicity.until 指明截止日期字段")
            if "status" in spec:
                status = spec["status"]
                if not isinstance(status, dict) or set(status) != {"field", "value"}:
                    problems.append("公示规则 publicity.status 须为 {field: 字段, value: 有效取值}")
                elif field_ref(status["field"], "公示规则 publicity.status", ENUM_TYPES):
                    values = by_code[status["field"]].get("values") or []
                    if status["value"] not in values:
                        problems.append(
                            f"公示规则 publicity.status 的取值“{status['value']}”"
                            f"不在字段 {status['field']} 的取值范围内"
                        )

    if "display" in data:
        display = data["display"]
        if not isinstance(display, dict) or not set(display) <= DISPLAY_KEYS:
            problems.append(
                "展示字段 display 须为 {list: [字段], record: [字段], check: [字段], "
                "filter: 字段, summary: 字段, position: 序号, alias: 名称} 映射"
            )
        else:
            if "filter" in display:
                field_ref(display["filter"], "展示字段 display.filter（类别筛选）", ENUM_TYPES)
            if (
                "summary" in display
                and field_ref(display["summary"], "展示字段 display.summary（内容摘要）")
                and by_code[display["summary"]].get("public") is False
            ):
                problems.append(
                    f"展示字段 display.summary 不能是不予公开的字段 {display['summary']}"
                )
            if "alias" in display and not (
                isinstance(display["alias"], str) and _CODE_RE.match(display["alias"])
            ):
                problems.append(
                    "展示字段 display.alias（旧地址名）须为小写字母开头的字母、数字、下划线"
                )
            if "position" in display:
                position = display["position"]
                if not (isinstance(position, int) and not isinstance(position, bool)) or not (
                    0 < position < 1000
                ):
                    problems.append("展示字段 display.position（栏目内顺序）须为 1–999 的整数")
            for key, title in (("list", "列表"), ("record", "详情"), ("check", "核查摘要")):
                codes = display.get(key)
                if codes is None:
                    continue
                if not _is_str_list(codes) or not codes:
                    problems.append(f"展示字段 display.{key}（{title}）须为非空的字段代码列表")
                    continue
                for code in codes:
                    if field_ref(code, f"展示字段 display.{key}") and (
                        by_code[code].get("public") is False
                    ):
                        problems.append(f"展示字段 display.{key} 不能包含不予公开的字段 {code}")
    return problems


def _check_fields(fields: list) -> list[str]:
    problems: list[str] = []
    by_code: dict[str, dict] = {}
    labels: set[str] = set()
    headers: dict[str, str] = {}
    roles: dict[str, str] = {}

    for index, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            problems.append(f"第 {index} 个字段须为键值映射")
            continue
        code = field.get("code")
        name = f"字段 {code}" if isinstance(code, str) and code else f"第 {index} 个字段"
        for key in sorted(set(field) - FIELD_KEYS, key=str):
            problems.append(f"{name}：未知的键“{key}”")
        if not (isinstance(code, str) and _FIELD_CODE_RE.match(code)):
            problems.append(f"{name}：交换代码须为大写字母开头的字母、数字、下划线")
        elif code in by_code:
            problems.append(f"{name}：交换代码重复")
        else:
            by_code[code] = field
        label = field.get("label")
        if not (isinstance(label, str) and label.strip()):
            problems.append(f"{name}：缺少中文名称 label")
        elif label in labels:
            problems.append(f"{name}：中文名称“{label}”重复")
        else:
            labels.add(label)
        for key, limit in _FIELD_LIMITS.items():
            value = field.get(key)
            if isinstance(value, str) and len(value) > limit:
                problems.append(f"{name}：{key} 超过 {limit} 个字符")

        # A header (label, code or alias) may designate one field only.
        aliases = field.get("aliases")
        names = [label, code] + (aliases if isinstance(aliases, list) else [])
        for header in names:
            if not isinstance(header, str) or not header:
                continue
            key = header_key(header)
            owner = headers.get(key)
            if owner is not None and owner != code:
                problems.append(f"{name}：表头“{header}”与字段 {owner} 冲突")
            headers[key] = code

        role = field.get("role")
        if role is not None:
            if not _is_text(role) or role not in ROLES:
                problems.append(f"{name}：未知的映射角色“{role}”（可选：{_join(ROLES)}）")
            elif role in roles:
                problems.append(f"{name}：映射角色“{role}”已由字段 {roles[role]} 使用")
            else:
                roles[role] = code

        problems.extend(_check_field_shape(name, field))

    for field in fields:
        if isinstance(field, dict):
            problems.extend(_check_references(field, by_code))
    return problems


def _check_field_shape(name: str, field: dict) -> list[str]:
    """Rules that depend only on the field itself."""
    problems: list[str] = []
    ftype = field.get("type")
    if not _is_text(ftype) or ftype not in TYPES:
        problems.append(f"{name}：未知的类型“{ftype}”（可选：{_join(TYPES)}）")
        return problems

    def only_for(key: str, types: set[str]) -> None:
        if key in field and ftype not in types:
            problems.append(f"{name}：{key} 只适用于 {_join(types)} 类型")

    only_for("identifier", {"identifier"})
    only_for("id_type_field", {"identifier"})
    only_for("values", ENUM_TYPES)
    only_for("value_labels", ENUM_TYPES)
    only_for("free_prefix", ENUM_TYPES)
    only_for("separator", {"multi_enum"})
    only_for("min_exclusive", {"decimal"})
    only_for("not_future", {"date"})
    only_for("not_before_field", {"date"})
    only_for("max_length", {"text", "identifier"})

    if ftype == "identifier":
        kind = field.get("identifier")
        if not _is_text(kind) or kind not in IDENTIFIERS:
            problems.append(f"{name}：证照代码类型“{kind}”无效（可选：{_join(IDENTIFIERS)}）")
        if kind == "by_id_type" and "id_type_field" not in field:
            problems.append(f"{name}：by_id_type 须用 id_type_field 指明证件类型字段")
        if "id_type_field" in field and kind != "by_id_type":
            problems.append(f"{name}：id_type_field 只适用于 identifier: by_id_type")

    values = field.get("values")
    if ftype in ENUM_TYPES:
        if not _is_str_list(values) or not values:
            problems.append(f"{name}：枚举取值 values 须为非空的文本列表（数字请加引号）")
            values = []
        elif len(set(values)) != len(values):
            problems.append(f"{name}：枚举取值重复")
        labels = field.get("value_labels")
        if labels is not None:
            if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
                problems.append(f"{name}：value_labels 须为“取值: 含义”的映射")
            else:
                for key in labels:
                    if key not in values:
                        problems.append(f"{name}：value_labels 中的“{key}”不在取值范围内")
        prefix = field.get("free_prefix")
        if prefix is not None and not (isinstance(prefix, str) and prefix):
            problems.append(f"{name}：free_prefix 须为非空文本")
    if ftype == "multi_enum":
        separator = field.get("separator")
        if not (isinstance(separator, str) and separator):
            problems.append(f"{name}：多选枚举须用 separator 指明分隔符")

    if "default" in field:
        default = field["default"]
        if not isinstance(default, str):
            problems.append(f"{name}：默认值须为文本")
        elif ftype in ENUM_TYPES and isinstance(values, list) and default not in values:
            problems.append(f"{name}：默认值“{default}”不在取值范围内")

    for key in ("required", "public", "not_future"):
        if key in field and not isinstance(field[key], bool):
            problems.append(f"{name}：{key} 须为 true 或 false")
    if field.get("required") and "required_when" in field:
        problems.append(f"{name}：required 与 required_when 不能同时使用")
    if "max_length" in field:
        length = field["max_length"]
        if not (isinstance(length, int) and not isinstance(length, bool) and length > 0):
            problems.append(f"{name}：max_length 须为正整数")
    if "min_exclusive" in field:
        bound = field["min_exclusive"]
        if not (isinstance(bound, int | float) and not isinstance(bound, bool)):
            problems.append(f"{name}：min_exclusive 须为数值")
    if "masking" in field and not (_is_text(field["masking"]) and field["masking"] in MASKINGS):
        problems.append(f"{name}：未知的脱敏规则“{field['masking']}”（可选：{_join(MASKINGS)}）")
    if "help" in field and not isinstance(field["help"], str):
        problems.append(f"{name}：help 须为文本")
    if "aliases" in field and not _is_str_list(field["aliases"]):
        problems.append(f"{name}：aliases 须为表头文本列表")
    return problems


def _check_references(field: dict, by_code: dict[str, dict]) -> list[str]:
    """Rules that point at another field of the same definition."""
    problems: list[str] = []
    name = f"字段 {field.get('code')}"

    rule = field.get("required_when")
    if rule is not None:
        if not isinstance(rule, dict) or set(rule) not in ({"field", "in"}, {"field", "contains"}):
            problems.append(
                f"{name}：required_when 须为 {{field: 代码, in: [取值]}} 或 {{field: 代码, contains: 文本}}"
            )
        else:
            target = by_code.get(rule["field"]) if _is_text(rule["field"]) else None
            if target is None:
                problems.append(f"{name}：required_when 引用了不存在的字段“{rule['field']}”")
            elif target.get("type") not in ENUM_TYPES:
                problems.append(f"{name}：required_when 引用的字段 {rule['field']} 须为枚举类型")
            elif "in" in rule:
                chosen = rule["in"]
                if not _is_str_list(chosen) or not chosen:
                    problems.append(f"{name}：required_when.in 须为非空的取值列表")
                else:
                    for value in chosen:
                        if value not in (target.get("values") or []):
                            problems.append(
                                f"{name}：required_when 的取值“{value}”不在字段 {rule['field']} 的取值范围内"
                            )
            elif not (isinstance(rule["contains"], str) and rule["contains"]):
                problems.append(f"{name}：required_when.contains 须为非空文本")

    ref = field.get("id_type_field")
    if ref is not None:
        target = by_code.get(ref) if _is_text(ref) else None
        if target is None:
            problems.append(f"{name}：id_type_field 引用了不存在的字段“{ref}”")
        elif target.get("type") != "enum":
            problems.append(f"{name}：id_type_field 引用的字段 {ref} 须为枚举类型")

    ref = field.get("not_before_field")
    if ref is not None:
        target = by_code.get(ref) if _is_text(ref) else None
        if target is None:
            problems.append(f"{name}：not_before_field 引用了不存在的字段“{ref}”")
        elif target.get("type") != "date":
            problems.append(f"{name}：not_before_field 引用的字段 {ref} 须为日期类型")
    return problems


def _check_text(
    problems: list[str], data: dict, key: str, title: str, limit: int | None, required=False
) -> None:
    if key not in data:
        return
    value = data[key]
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{title} {key} 须为文本")
    elif limit is not None and len(value) > limit:
        problems.append(f"{title} {key} 超过 {limit} 个字符")


def _check_choice(problems: list[str], data: dict, key: str, title: str, choices: set) -> None:
    if key in data and not (_is_text(data[key]) and data[key] in choices):
        problems.append(f"{title} {key} 的取值“{data[key]}”无效（可选：{_join(choices)}）")


def _is_text(value: Any) -> bool:
    """A plain string: only those are looked up in sets and dicts (a YAML list or mapping
    where a name belongs must be a finding, not a TypeError)."""
    return isinstance(value, str)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _join(values: set[str]) -> str:
    return "、".join(sorted(values))
