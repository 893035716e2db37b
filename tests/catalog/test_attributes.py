"""Dataset attributes in the catalog YAML: checked strictly, read with defaults."""

import copy
from pathlib import Path

import pytest
import yaml

from credit.catalog.attributes import attributes_of, of_version
from credit.catalog.definition import check_definition
from credit.catalog.queries import current_version
from credit.catalog.services import DEFINITIONS_DIR


def _shipped(code: str) -> dict:
    return yaml.safe_load((Path(DEFINITIONS_DIR) / f"{code}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", [p.stem for p in sorted(Path(DEFINITIONS_DIR).glob("*.yaml"))])
def test_every_shipped_definition_declares_its_attributes(code):
    data = _shipped(code)
    assert check_definition(data) == []
    for key in ("national_category", "section", "business_key", "display", "check_summary"):
        assert key in data, f"{code} lacks {key}"


def test_attributes_of_shipped_penalty_and_licence(loaded):
    penalty = of_version(current_version("penalty"))
    assert penalty.category == "不良" and penalty.section == "行政管理"
    assert penalty.business_key == ("CF_CFJGDM", "CF_WSH")
    assert penalty.publicity.rule == "penalty_severity"
    assert penalty.check_summary is True
    licence = of_version(current_version("licence"))
    assert licence.publicity.until_field == "XK_YXQZI"
    assert (licence.publicity.status_field, licence.publicity.status_value) == ("XK_ZT", "1")
    assert licence.check_summary is False
    assert current_version("licence").publicity_rule == "licence_validity"


def test_legacy_definition_without_attributes_gets_role_defaults():
    data = _shipped("licence")
    for key in ("national_category", "section", "business_key", "display", "check_summary"):
        data.pop(key)
    data["publicity_rule"] = data.pop("publicity")["rule"]
    assert check_definition(data) == []
    attrs = attributes_of(data)
    assert attrs.section == "其他"
    assert attrs.business_key == ("XK_XKJGDM", "XK_WSH")
    assert attrs.publicity.until_field == "XK_YXQZI"
    assert "XK_XDR_ZJHM" not in attrs.record_fields  # masked fields never displayed


def _broken(change) -> list[str]:
    data = copy.deepcopy(_shipped("penalty"))
    change(data)
    return check_definition(data)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(section="杂项"), "档案栏目 section 的取值“杂项”无效"),
        (lambda d: d.update(check_summary="是"), "check_summary 须为 true 或 false"),
        (
            lambda d: d.update(business_key=["CF_WSH", "CF_JDRQ"]),
            "business_key 须包含决定机关统一社会信用代码字段",
        ),
        (
            lambda d: d.update(business_key=["CF_CFJGDM", "NOPE"]),
            "业务主键 business_key 引用了不存在的字段“NOPE”",
        ),
        (
            lambda d: d.update(publicity={"rule": "valid_until"}),
            "公示规则 valid_until 须用 publicity.until 指明截止日期字段",
        ),
        (
            lambda d: d.update(publicity={"rule": "valid_until", "until": "CF_WSH"}),
            "publicity.until 引用的字段 CF_WSH 须为date类型",
        ),
        (
            lambda d: d.update(publicity={"rule": "weekly"}),
            "publicity.rule 的取值“weekly”无效",
        ),
        (
            lambda d: d.update(publicity_rule="penalty_severity"),
            "publicity 与 publicity_rule 不能同时使用",
        ),
        (
            lambda d: d.update(display={"list": ["CF_XDR_ZJHM"]}),
            "display.list 不能包含不予公开的字段 CF_XDR_ZJHM",
        ),
        (lambda d: d.update(display={"grid": ["CF_WSH"]}), "展示字段 display 须为"),
    ],
)
def test_bad_attributes_are_reported_in_chinese(change, message):
    problems = _broken(change)
    assert any(message in p for p in problems), problems


def test_status_value_must_be_one_of_the_field_values():
    data = copy.deepcopy(_shipped("licence"))
    data["publicity"]["status"] = {"field": "XK_ZT", "value": "9"}
    assert any("取值“9”不在字段 XK_ZT 的取值范围内" in p for p in check_definition(data))


def test_check_fields_explicit_or_from_the_list_fields_without_the_answers_columns():
    penalty = attributes_of(_shipped("penalty"))
    assert penalty.check_fields == ("CF_WFXW", "CF_CFLB", "CF_NR")
    # enforcement names no `display.check`: its list fields without document number,
    # decision date and authority, which the answer shows in columns of their own.
    enforcement = attributes_of(_shipped("enforcement"))
    assert enforcement.check_fields == ("QZ_QZLB", "QZ_QZFS", "QZ_NR")


@pytest.mark.parametrize(
    "display, message",
    [
        ({"check": ["CF_NOPE"]}, "展示字段 display.check 引用了不存在的字段“CF_NOPE”"),
        ({"check": ["CF_XDR_ZJHM"]}, "display.check 不能包含不予公开的字段 CF_XDR_ZJHM"),
        ({"check": []}, "展示字段 display.check（核查摘要）须为非空的字段代码列表"),
    ],
)
def test_bad_check_fields_are_reported_in_chinese(display, message):
    problems = _broken(lambda d: d.update(display=display))
    assert any(message in p for p in problems), problems


def test_legacy_search_count_keys_follow_the_publicity_rule():
    assert attributes_of(_shipped("penalty")).count_key == "penalties"
    assert attributes_of(_shipped("licence")).count_key == "licences"
    assert attributes_of(_shipped("honour")).count_key == ""


def test_check_summary_condition_selects_the_versions_a_check_summarises(loaded):
    from credit.catalog.attributes import check_summary_condition
    from credit.catalog.models import DatasetVersion

    selected = set(
        DatasetVersion.objects.filter(check_summary_condition()).values_list(
            "dataset__code", flat=True
        )
    )
    expected = {
        v.dataset.code
        for v in DatasetVersion.objects.select_related("dataset")
        if of_version(v).check_summary
    }
    assert selected == expected
    assert "penalty" in selected and "honour" not in selected
    # A version without the attribute falls back to its category, in SQL as in Python.
    version = DatasetVersion.objects.get(dataset__code="enforcement")
    version.definition = {k: v for k, v in version.definition.items() if k != "check_summary"}
    version.save()
    assert DatasetVersion.objects.filter(check_summary_condition(), pk=version.pk).exists()
    version.category = "基础"
    version.definition = {**version.definition, "category": "基础"}
    version.save()
    assert not DatasetVersion.objects.filter(check_summary_condition(), pk=version.pk).exists()
    assert of_version(version).check_summary is False


def test_penalty_types_field_comes_from_the_publicity_attribute():
    from credit.catalog.attributes import publicity_of

    named = publicity_of({"publicity": {"rule": "penalty_severity", "types": "XX_LB"}})
    assert named.types_field == "XX_LB" and "XX_LB" in named.data_keys
    # Versions stored before the attribute existed keep reading the legacy field.
    assert publicity_of({"publicity_rule": "penalty_severity"}).types_field == "CF_CFLB"
    assert publicity_of({"publicity": {"rule": "penalty_severity"}}).types_field == "CF_CFLB"
    assert publicity_of({"publicity": {"rule": "valid_until", "until": "A"}}).types_field == ""
