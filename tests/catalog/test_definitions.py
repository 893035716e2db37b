"""The shipped definitions match the 双公示 v2.0 standard (domain.md §3.1, §3.2)."""

import pytest

from credit.catalog.queries import current_version, fields_of, header_index
from credit.core.normalize import header_key

PENALTY_FIELDS = [
    ("CF_XDR_MC", "行政相对人名称"),
    ("CF_XDR_LB", "行政相对人类别"),
    ("CF_XDR_SHXYM", "行政相对人代码_1（统一社会信用代码）"),
    ("CF_XDR_GSZC", "行政相对人代码_2（工商注册号）"),
    ("CF_XDR_ZZJG", "行政相对人代码_3（组织机构代码）"),
    ("CF_XDR_SWDJ", "行政相对人代码_4（税务登记号）"),
    ("CF_XDR_SYDW", "行政相对人代码_5（事业单位证书号）"),
    ("CF_XDR_SHZZ", "行政相对人代码_6（社会组织登记证号）"),
    ("CF_FRDB", "法定代表人"),
    ("CF_FR_ZJLX", "法定代表人证件类型"),
    ("CF_FR_ZJHM", "法定代表人证件号码"),
    ("CF_XDR_ZJLX", "证件类型"),
    ("CF_XDR_ZJHM", "证件号码"),
    ("CF_WSH", "行政处罚决定书文号"),
    ("CF_WFXW", "违法行为类型"),
    ("CF_SY", "违法事实"),
    ("CF_YJ", "处罚依据"),
    ("CF_CFLB", "处罚类别"),
    ("CF_NR", "处罚内容"),
    ("CF_NR_FK", "罚款金额（万元）"),
    ("CF_NR_WFFF", "没收违法所得、没收非法财物的金额（万元）"),
    ("CF_NR_ZKDX", "暂扣或吊销证照名称及编号"),
    ("CF_JDRQ", "处罚决定日期"),
    ("CF_YXQ", "处罚有效期"),
    ("CF_GSJZQ", "公示截止期"),
    ("CF_CFJG", "处罚机关"),
    ("CF_CFJGDM", "处罚机关统一社会信用代码"),
    ("CF_SJLY", "数据来源单位"),
    ("CF_SJLYDM", "数据来源单位统一社会信用代码"),
    ("BZ", "备注"),
    ("CF_SXYZCD", "失信严重程度"),  # platform column
]

LICENCE_FIELDS = [
    ("XK_XDR_MC", "行政相对人名称"),
    ("XK_XDR_LB", "行政相对人类别"),
    ("XK_XDR_SHXYM", "行政相对人代码_1（统一社会信用代码）"),
    ("XK_XDR_GSZC", "行政相对人代码_2（工商注册号）"),
    ("XK_XDR_ZZJG", "行政相对人代码_3（组织机构代码）"),
    ("XK_XDR_SWDJ", "行政相对人代码_4（税务登记号）"),
    ("XK_XDR_SYDW", "行政相对人代码_5（事业单位证书号）"),
    ("XK_XDR_SHZZ", "行政相对人代码_6（社会组织登记证号）"),
    ("XK_FRDB", "法定代表人"),
    ("XK_FR_ZJLX", "法定代表人证件类型"),
    ("XK_FR_ZJHM", "法定代表人证件号码"),
    ("XK_XDR_ZJLX", "证件类型"),
    ("XK_XDR_ZJHM", "证件号码"),
    ("XK_XKWS", "行政许可决定文书名称"),
    ("XK_WSH", "行政许可决定文书号"),
    ("XK_XKLB", "许可类别"),
    ("XK_XKZS", "许可证书名称"),
    ("XK_XKBH", "许可编号"),
    ("XK_NR", "许可内容"),
    ("XK_JDRQ", "许可决定日期"),
    ("XK_YXQZ", "有效期自"),
    ("XK_YXQZI", "有效期至"),
    ("XK_XKJG", "许可机关"),
    ("XK_XKJGDM", "许可机关统一社会信用代码"),
    ("XK_ZT", "当前状态"),
    ("XK_LYDW", "数据来源单位"),
    ("XK_LYDWDM", "数据来源单位统一社会信用代码"),
    ("BZ", "备注"),
]


def test_penalty_fields_follow_the_standard_in_order(loaded):
    fields = fields_of(current_version("penalty"))
    assert len(PENALTY_FIELDS) == 31
    assert [(f.code, f.label) for f in fields] == PENALTY_FIELDS
    assert [f.position for f in fields] == list(range(1, 32))


def test_licence_fields_follow_the_standard_in_order(loaded):
    fields = fields_of(current_version("licence"))
    assert len(LICENCE_FIELDS) == 28
    assert [(f.code, f.label) for f in fields] == LICENCE_FIELDS


def test_penalty_rules(loaded):
    fields = {f.code: f for f in fields_of(current_version("penalty"))}
    assert fields["CF_XDR_MC"].required and fields["CF_XDR_MC"].max_length == 200
    assert fields["CF_WSH"].max_length == 128
    assert fields["CF_XDR_LB"].enum_values == ["法人及非法人组织", "自然人", "个体工商户"]
    assert fields["CF_XDR_SHXYM"].identifier == "uscc"
    assert fields["CF_XDR_SHXYM"].required_when == {
        "field": "CF_XDR_LB",
        "in": ["法人及非法人组织"],
    }
    id_number = fields["CF_XDR_ZJHM"]
    assert id_number.identifier == "by_id_type"
    assert id_number.rules["id_type_field"] == "CF_XDR_ZJLX"
    assert id_number.masking == "id_number" and id_number.public is False
    assert fields["CF_FR_ZJHM"].public is False and fields["CF_FR_ZJHM"].masking == "id_number"
    types = fields["CF_CFLB"]
    assert types.type == "multi_enum" and types.rules["separator"] == ";"
    assert types.enum_free_prefix == "其他-"
    for value in ["警告", "罚款", "行政拘留", "警告、通报批评", "其他行政处罚"]:
        assert value in types.enum_values
    fine = fields["CF_NR_FK"]
    assert fine.required_when == {"field": "CF_CFLB", "contains": "罚款"}
    assert fine.rules["min_exclusive"] == 0
    assert fields["CF_JDRQ"].rules["not_future"] is True
    severity = fields["CF_SXYZCD"]
    assert severity.enum_values == ["轻微", "一般", "严重"] and severity.default == "一般"
    roles = {f.role: f.code for f in fields.values() if f.role}
    assert roles["document_number"] == "CF_WSH"
    assert roles["decision_date"] == "CF_JDRQ"
    assert roles["severity"] == "CF_SXYZCD"
    assert roles["source_uscc"] == "CF_SJLYDM"


def test_licence_rules(loaded):
    fields = {f.code: f for f in fields_of(current_version("licence"))}
    category = fields["XK_XKLB"]
    assert category.enum_values == ["普通", "特许", "认可", "核准", "登记"]
    assert category.enum_free_prefix == "其他-"
    status = fields["XK_ZT"]
    assert status.enum_values == ["1", "2"]
    assert status.rules["value_labels"] == {"1": "有效", "2": "无效"}
    assert fields["XK_YXQZI"].rules["not_before_field"] == "XK_YXQZ"
    assert fields["XK_YXQZI"].role == "valid_to"
    assert fields["XK_XDR_ZJLX"].enum_free_prefix == "其他-"


@pytest.mark.parametrize(
    "header",
    [
        "代码_1（统一社会信用代码）",
        "代码_1 (统一社会信用代码)",
        "行政相对人代码_1 (统一社会信用代码)",
        "行政相对人代码_1（统一社会信用代码）",
        "CF_XDR_SHXYM",
        "cf_xdr_shxym",
        "统一社会信用代码",
    ],
)
def test_header_index_matches_label_variants(loaded, header):
    index = header_index(current_version("penalty"))
    assert index[header_key(header)].code == "CF_XDR_SHXYM"


def test_header_index_short_code_labels(loaded):
    index = header_index(current_version("licence"))
    assert index[header_key("代码_3 (组织机构代码)")].code == "XK_XDR_ZZJG"
    assert index[header_key("代码_6（社会组织登记证号）")].code == "XK_XDR_SHZZ"


def test_header_index_covers_every_label_and_code(loaded):
    version = current_version("licence")
    index = header_index(version)
    for code, label in LICENCE_FIELDS:
        assert index[header_key(label)].code == code
        assert index[header_key(code)].code == code
