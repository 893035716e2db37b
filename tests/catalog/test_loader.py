"""Loading definitions into versioned tables."""

import pytest
from django.core.management import call_command

from credit.audit.models import ChangeLog
from credit.catalog.definition import DefinitionError
from credit.catalog.models import Dataset, DatasetVersion, Field
from credit.catalog.queries import current_version, fields_of, get_dataset, header_index
from credit.catalog.services import CREATED, NEW_VERSION, UNCHANGED, load_definitions
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied
from credit.core.normalize import header_key

pytestmark = pytest.mark.django_db


def test_loading_twice_creates_one_version(system):
    first = load_definitions(system)
    second = load_definitions(system)
    shipped = {
        "abnormal_operation",
        "commitment",
        "commitment_breach",
        "court_dishonest",
        "enforcement",
        "evaluation_result",
        "honour",
        "licence",
        "list_decision",
        "penalty",
        "registration",
    }
    assert {(r.code, r.status, r.version) for r in first} == {(c, CREATED, 1) for c in shipped}
    assert {(r.code, r.status, r.version) for r in second} == {(c, UNCHANGED, 1) for c in shipped}
    assert DatasetVersion.objects.count() == len(shipped)
    assert Field.objects.filter(version__dataset__code="penalty").count() == 31
    logged = ChangeLog.objects.filter(action="catalog_version_created")
    assert logged.count() == len(shipped)
    assert {entry.after["dataset"] for entry in logged} == shipped


def test_changed_label_creates_version_two_and_keeps_version_one(system, definitions_copy):
    load_definitions(system, definitions_copy)
    v1 = current_version("penalty")
    v1_fields = [(f.code, f.label) for f in fields_of(v1)]
    path = definitions_copy / "penalty.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("label: 违法事实", "label: 违法事实描述"), encoding="utf-8")

    results = {r.code: r for r in load_definitions(system, definitions_copy)}

    assert results["penalty"].status == NEW_VERSION and results["penalty"].version == 2
    assert results["licence"].status == UNCHANGED
    v2 = current_version("penalty")
    assert v2.number == 2 and v2.pk != v1.pk
    assert get_dataset("penalty").current_version_id == v2.pk
    labels_v2 = {f.code: f.label for f in fields_of(v2)}
    assert labels_v2["CF_SY"] == "违法事实描述"
    v1.refresh_from_db()
    assert [(f.code, f.label) for f in Field.objects.filter(version=v1)] == v1_fields
    assert dict(v1_fields)["CF_SY"] == "违法事实"
    assert v1.definition_hash != v2.definition_hash
    entry = ChangeLog.objects.filter(action="catalog_version_created").first()
    assert entry.before == {"version": 1, "hash": v1.definition_hash}
    assert entry.after["version"] == 2


def test_version_stores_definition_and_rules(loaded):
    version = current_version("licence")
    assert version.definition["code"] == "licence"
    assert len(version.definition["fields"]) == 28
    assert version.publicity_rule == "licence_validity"
    assert version.share_attr == "有条件共享" and version.open_attr == "社会公开"
    status = next(f for f in fields_of(version) if f.code == "XK_ZT")
    assert status.rules == {"value_labels": {"1": "有效", "2": "无效"}}


def _break(definitions_copy, old, new):
    path = definitions_copy / "penalty.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    role: subject_name\n",
            "    role: subject_name\n    colour: red\n",
            "未知的键“colour”",
        ),
        ("type: decimal", "type: money", "未知的类型“money”"),
        ("role: severity", "role: gravity", "未知的映射角色“gravity”"),
        ("code: CF_SY\n", "code: CF_YJ\n", "字段 CF_YJ：交换代码重复"),
        ("label: 违法事实\n", "label: 违法行为类型\n", "中文名称“违法行为类型”重复"),
        (
            "{field: CF_CFLB, contains: 罚款}",
            "{field: CF_NOPE, contains: 罚款}",
            "字段 CF_NR_FK：required_when 引用了不存在的字段“CF_NOPE”",
        ),
        (
            "share_attr: 有条件共享",
            "share_attr: 随便共享",
            "共享属性 share_attr 的取值“随便共享”无效",
        ),
        ("not_before_field: CF_JDRQ", "not_before_field: CF_MISSING", "CF_MISSING"),
    ],
)
def test_bad_definition_gives_chinese_error(system, definitions_copy, old, new, expected):
    _break(definitions_copy, old, new)
    with pytest.raises(DefinitionError) as exc:
        load_definitions(system, definitions_copy)
    assert exc.value.code == "catalog_definition_invalid"
    assert "目录定义文件 penalty.yaml 有误" in exc.value.message
    assert expected in exc.value.message
    # Nothing is written when any file is bad, not even the good licence.yaml.
    assert not Dataset.objects.exists()


def test_unparseable_yaml(system, definitions_copy):
    (definitions_copy / "penalty.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as exc:
        load_definitions(system, definitions_copy)
    assert "无法解析 YAML" in exc.value.message


def test_only_credit_admin_may_load(db):
    with pytest.raises(PermissionDenied):
        load_definitions(Actor(label="operator", department_id=1))


def test_unknown_dataset_is_not_found(db):
    with pytest.raises(NotFound) as exc:
        get_dataset("nothing")
    assert exc.value.message == "未知的信息事项：nothing"


def test_header_index_is_per_version(system, definitions_copy):
    load_definitions(system, definitions_copy)
    v1 = current_version("penalty")
    _break(definitions_copy, "label: 违法事实\n", "label: 违法事实描述\n")
    load_definitions(system, definitions_copy)
    v2 = current_version("penalty")
    assert header_key("违法事实") in header_index(v1)
    assert header_key("违法事实") not in header_index(v2)
    assert header_index(v2)[header_key("违法事实描述")].code == "CF_SY"


def test_load_catalog_command(db, capsys, definitions_copy):
    call_command("load_catalog", "--dir", str(definitions_copy))
    call_command("load_catalog", "--dir", str(definitions_copy))
    out = capsys.readouterr().out
    assert "penalty.yaml：行政处罚（penalty）新增，当前版本 v1" in out
    assert "penalty.yaml：行政处罚（penalty）未变化，当前版本 v1" in out
    assert "共 11 个信息事项，0 个有更新。" in out
