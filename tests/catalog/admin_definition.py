"""A supplementary-catalogue dataset (本溪市欠缴公用事业费信息) as the credit office enters it
in the admin's definition form, shared by the admin tests and the browser test."""

from __future__ import annotations

ATTRIBUTES = {
    "code": "utility_arrears",
    "name": "欠缴公用事业费",
    "category": "不良",
    "national_category": "补充目录：本溪市欠缴公用事业费信息",
    "section": "其他",
    "subject_kinds": ["organization", "sole_trader"],
    "share_attr": "有条件共享",
    "open_attr": "社会公开",
    "business_key": "QF_RDDWDM, QF_BH",
    "publicity_rule": "fixed_term",
    "publicity_from": "QF_RDRQ",
    "display_list": "QF_FYLB, QF_JE, QF_BH, QF_RDRQ",
    "check_summary": "true",
    "legal_basis": "《本溪市社会信用体系建设补充目录》",
    "update_deadline_workdays": "7",
}

# One dict per field block of the form (keys are the FieldForm's inputs).
FIELDS = [
    {"code": "QF_ZTMC", "label": "主体名称", "type": "text", "required": "on",
     "max_length": "200", "role": "subject_name"},
    {"code": "QF_ZTLB", "label": "主体类别", "type": "enum", "required": "on",
     "values": "法人及非法人组织\n个体工商户", "role": "subject_kind"},
    {"code": "QF_TYDM", "label": "统一社会信用代码", "type": "identifier",
     "identifier": "uscc", "required": "on", "role": "subject_uscc"},
    {"code": "QF_FYLB", "label": "欠缴费用类别", "type": "enum", "required": "on",
     "values": "水费\n电费\n燃气费\n供暖费"},
    {"code": "QF_JE", "label": "欠缴金额（元）", "type": "decimal", "required": "on",
     "other": "{min_exclusive: 0}", "aliases": "欠费金额"},
    {"code": "QF_QJQJ", "label": "欠缴期间", "type": "text", "max_length": "100",
     "help": "如 2025年1月至2025年12月。"},
    {"code": "QF_BH", "label": "认定文书编号", "type": "text", "required": "on",
     "max_length": "100", "role": "document_number"},
    {"code": "QF_RDRQ", "label": "认定日期", "type": "date", "required": "on",
     "role": "decision_date", "other": "{not_future: true}"},
    {"code": "QF_RDDW", "label": "认定单位", "type": "text", "required": "on",
     "max_length": "200", "role": "authority_name"},
    {"code": "QF_RDDWDM", "label": "认定单位统一社会信用代码", "type": "identifier",
     "identifier": "uscc", "required": "on", "role": "authority_uscc"},
]  # fmt: skip

# The definition the form above describes, as a YAML file would hold it.
EXPECTED = {
    "code": "utility_arrears",
    "name": "欠缴公用事业费",
    "category": "不良",
    "national_category": "补充目录：本溪市欠缴公用事业费信息",
    "section": "其他",
    "subject_kinds": ["organization", "sole_trader"],
    "legal_basis": "《本溪市社会信用体系建设补充目录》",
    "share_attr": "有条件共享",
    "open_attr": "社会公开",
    "business_key": ["QF_RDDWDM", "QF_BH"],
    "publicity": {"rule": "fixed_term", "from": "QF_RDRQ"},
    "display": {"list": ["QF_FYLB", "QF_JE", "QF_BH", "QF_RDRQ"]},
    "check_summary": True,
    "update_deadline_workdays": 7,
    "fields": [
        {"code": "QF_ZTMC", "label": "主体名称", "type": "text", "required": True,
         "max_length": 200, "role": "subject_name"},
        {"code": "QF_ZTLB", "label": "主体类别", "type": "enum",
         "values": ["法人及非法人组织", "个体工商户"], "required": True, "role": "subject_kind"},
        {"code": "QF_TYDM", "label": "统一社会信用代码", "type": "identifier",
         "identifier": "uscc", "required": True, "role": "subject_uscc"},
        {"code": "QF_FYLB", "label": "欠缴费用类别", "type": "enum",
         "values": ["水费", "电费", "燃气费", "供暖费"], "required": True},
        {"code": "QF_JE", "label": "欠缴金额（元）", "aliases": ["欠费金额"], "type": "decimal",
         "required": True, "min_exclusive": 0},
        {"code": "QF_QJQJ", "label": "欠缴期间", "type": "text", "max_length": 100,
         "help": "如 2025年1月至2025年12月。"},
        {"code": "QF_BH", "label": "认定文书编号", "type": "text", "required": True,
         "max_length": 100, "role": "document_number"},
        {"code": "QF_RDRQ", "label": "认定日期", "type": "date", "required": True,
         "role": "decision_date", "not_future": True},
        {"code": "QF_RDDW", "label": "认定单位", "type": "text", "required": True,
         "max_length": 200, "role": "authority_name"},
        {"code": "QF_RDDWDM", "label": "认定单位统一社会信用代码", "type": "identifier",
         "identifier": "uscc", "required": True, "role": "authority_uscc"},
    ],
}  # fmt: skip


def post_data(attributes: dict, fields: list[dict], *, initial: int = 0, action="save") -> dict:
    """The POST body of the definition form: attributes, the field blocks, the formset's
    management form and the pressed button."""
    data: dict = {}
    for key, value in attributes.items():
        data[key] = value
    data.update(
        {
            "fields-TOTAL_FORMS": str(len(fields)),
            "fields-INITIAL_FORMS": str(initial),
            "fields-MIN_NUM_FORMS": "0",
            "fields-MAX_NUM_FORMS": "300",
        }
    )
    for index, spec in enumerate(fields):
        spec = {"public": "on", **spec}
        for key, value in spec.items():
            if value is not None:
                data[f"fields-{index}-{key}"] = value
    data[action] = "1"
    return data
