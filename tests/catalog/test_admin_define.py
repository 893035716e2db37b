"""Defining a dataset in the admin (issue 12): validated as YAML is, versioned, exported as
YAML that load_catalog reads back, and flowing through template, import and profile."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from credit.audit.models import ChangeLog
from credit.catalog.admin_forms import initial_of, same_meaning
from credit.catalog.definition import DefinitionError, definition_hash
from credit.catalog.models import Dataset, DatasetVersion
from credit.catalog.queries import current_version
from credit.catalog.services import load_definitions, load_files, save_definition
from credit.collection import services as collection
from credit.collection.models import BatchState
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied
from credit.records.models import Record
from tests.collection.samples import SCJG_NAME, SCJG_USCC, company_uscc, write_csv

from .admin_definition import ATTRIBUTES, EXPECTED, FIELDS, post_data

pytestmark = pytest.mark.django_db
DEFINE = "/admin/catalog/dataset/define/"


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def shipped(db):
    return load_definitions(Actor.system("test"))


def _define(admin_client, attributes=ATTRIBUTES, fields=FIELDS, action="save"):
    return admin_client.post(DEFINE, post_data(attributes, fields, action=action))


def _as_post(definition: dict) -> dict:
    """What a browser sends back for the definition page rendered from `definition`."""
    form, rows = initial_of(definition)
    attributes = {k: v for k, v in form.items() if v not in (None, "")}
    fields = []
    for row in rows:
        block = {k: v for k, v in row.items() if v not in (None, "", False)}
        block = {k: ("on" if v is True else str(v)) for k, v in block.items()}
        if not row["public"]:
            block["public"] = None
        fields.append(block)
    return post_data(attributes, fields, initial=len(fields))


def test_preview_checks_and_saves_nothing(admin_client):
    page = admin_client.get(DEFINE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "定义新信息事项" in html and "事项属性" in html and "检查并预览" in html

    preview = _define(admin_client, action="preview")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "预览：定义无误" in html and "模板表头（10 列）" in html
    assert "欠缴金额（元）" in html
    assert not Dataset.objects.filter(code="utility_arrears").exists()


def test_admin_defined_dataset_is_versioned_logged_and_flows_to_the_profile(
    admin_client, admin_user, shipped, scjg, operator_user, tmp_path
):
    response = _define(admin_client)
    assert response.status_code == 302, response.context and response.context["problems"]
    dataset = Dataset.objects.get(code="utility_arrears")
    assert response["Location"] == reverse("admin:catalog_dataset_change", args=[dataset.pk])
    version = dataset.current_version
    assert version.number == 1 and version.definition == EXPECTED
    assert version.definition_hash == definition_hash(EXPECTED)
    assert version.category == "不良" and version.share_attr == "有条件共享"
    assert version.publicity_rule == "fixed_term"
    assert [f.code for f in version.fields.order_by("position")] == [f["code"] for f in FIELDS]
    entry = ChangeLog.objects.get(action="catalog_version_created", after__dataset=dataset.code)
    assert entry.after["file"] == "后台定义" and entry.after["version"] == 1
    assert entry.actor_user_id == admin_user.pk

    # The template a department downloads has the admin-defined columns.
    operator = Client()
    operator.force_login(operator_user)
    upload = operator.get("/console/upload/").content.decode()
    assert '<option value="utility_arrears">欠缴公用事业费</option>' in upload
    template = operator.get("/catalog/utility_arrears/template.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:5] == [
        "主体名称",
        "主体类别",
        "统一社会信用代码",
        "欠缴费用类别",
        "欠缴金额（元）",
    ]

    decided = dt.date.today() - dt.timedelta(days=5)
    row = {
        "主体名称": "本溪市欠费测试有限公司",
        "主体类别": "法人及非法人组织",
        "统一社会信用代码": company_uscc(401),
        "欠缴费用类别": "供暖费",
        "欠费金额": "12800.50",  # an alias defined in the admin
        "欠缴期间": "2025年1月至2025年12月",
        "认定文书编号": "本热认〔2026〕8号",
        "认定日期": decided.strftime("%Y/%m/%d"),
        "认定单位": SCJG_NAME,
        "认定单位统一社会信用代码": SCJG_USCC,
    }
    path = write_csv(tmp_path / "arrears.csv", [row])
    batch = collection.submit_file(
        Actor.for_user(operator_user),
        dataset_code="utility_arrears",
        department=scjg,
        fileobj=path,
        filename=path.name,
        policy="reject_all",
        dry_run=False,
        run_now=True,
    )
    assert batch.state == BatchState.DONE, batch.message
    record = Record.objects.get(doc_number="本热认〔2026〕8号")
    assert record.dataset_version_id == version.pk
    assert record.visibility == "public" and record.public_from == decided

    profile = Client().get(reverse("portal:subject", args=[record.subject.public_id]))
    html = profile.content.decode()
    assert "欠缴公用事业费" in html
    assert re.search(r'<h2 id="[^"]+">其他</h2>', html)
    assert "本热认〔2026〕8号" in html


BAD_CASES = [
    # (what the user changed in the form, the same change in the definition, a message)
    (
        lambda a, f: a.update(business_key="QF_RDDWDM, QF_NOPE"),
        lambda d: d.update(business_key=["QF_RDDWDM", "QF_NOPE"]),
        "业务主键 business_key 引用了不存在的字段“QF_NOPE”",
    ),
    (
        lambda a, f: f[6].update(code="QF_BH") or f[5].update(code="QF_BH"),
        lambda d: d["fields"][5].update(code="QF_BH"),
        "字段 QF_BH：交换代码重复",
    ),
    (
        lambda a, f: f[3].update(values=""),
        lambda d: d["fields"][3].pop("values"),
        "字段 QF_FYLB：枚举取值 values 须为非空的文本列表（数字请加引号）",
    ),
    (
        lambda a, f: f[4].update(type="money"),
        lambda d: d["fields"][4].update(type="money"),
        None,  # a select refuses an unknown type before the definition check
    ),
    (
        lambda a, f: f[5].update(required_when_field="QF_MISSING", required_when_values="是"),
        lambda d: d["fields"][5].update(required_when={"field": "QF_MISSING", "in": ["是"]}),
        "字段 QF_QJQJ：required_when 引用了不存在的字段“QF_MISSING”",
    ),
    (
        lambda a, f: f[7].update(other="{not_before_field: QF_ZTMC}"),
        lambda d: d["fields"][7].update(not_before_field="QF_ZTMC"),
        "字段 QF_RDRQ：not_before_field 引用的字段 QF_ZTMC 须为日期类型",
    ),
    (
        lambda a, f: a.update(publicity_from="QF_JE"),
        lambda d: d["publicity"].update({"from": "QF_JE"}),
        "公示规则 publicity.from 引用的字段 QF_JE 须为date类型",
    ),
    (
        lambda a, f: f[9].update(role=""),
        lambda d: d["fields"][9].pop("role"),
        "业务主键 business_key 须包含决定机关统一社会信用代码字段（角色 authority_uscc）",
    ),
    (
        lambda a, f: a.update(code="Utility"),
        lambda d: d.update(code="Utility"),
        "事项代码“Utility”须为小写字母开头的字母、数字、下划线",
    ),
]


@pytest.mark.parametrize(("change_form", "change_definition", "message"), BAD_CASES)
def test_bad_definition_is_refused_with_the_yaml_messages(
    admin_client, tmp_path, change_form, change_definition, message
):
    attributes, fields = dict(ATTRIBUTES), copy.deepcopy(FIELDS)
    change_form(attributes, fields)
    response = _define(admin_client, attributes, fields)
    assert response.status_code == 200
    assert not Dataset.objects.filter(code__in=["utility_arrears", "Utility"]).exists()
    html = response.content.decode()
    if message is None:
        assert "选择一个有效的选项" in html
        return
    # The same definition as a YAML file is refused with the same list of problems.
    definition = copy.deepcopy(EXPECTED)
    change_definition(definition)
    path = tmp_path / "utility_arrears.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as exc:
        load_files(Actor.system("test"), [path])
    assert response.context["problems"] == exc.value.problems
    assert message in exc.value.problems
    assert "定义有误，未保存" in html and message in html


def test_a_code_in_use_is_refused(admin_client, shipped):
    attributes = {**ATTRIBUTES, "code": "penalty"}
    response = _define(admin_client, attributes)
    assert response.status_code == 200
    assert "事项代码“penalty”已被其他信息事项使用" in response.content.decode()
    assert current_version("penalty").number == 1


def test_editing_makes_a_new_version_and_an_unchanged_save_makes_none(admin_client):
    _define(admin_client)
    dataset = Dataset.objects.get(code="utility_arrears")
    url = reverse("admin:catalog_dataset_redefine", args=[dataset.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "当前为版本 v1" in html and 'value="欠缴金额（元）"' in html

    same = admin_client.post(url, _as_post(dataset.current_version.definition), follow=True)
    assert "定义没有变化，仍为版本 v1" in same.content.decode()
    assert dataset.versions.count() == 1

    data = _as_post(dataset.current_version.definition)
    data["fields-4-label"] = "欠缴金额"
    data["code"] = "something_else"  # the code input is disabled: a posted value is ignored
    changed = admin_client.post(url, data)
    assert changed.status_code == 302
    dataset.refresh_from_db()
    v1, v2 = DatasetVersion.objects.filter(dataset=dataset).order_by("number")
    assert dataset.current_version == v2 and v2.number == 2
    assert v1.definition == EXPECTED
    assert v2.definition["fields"][4]["label"] == "欠缴金额"
    assert v2.definition["code"] == "utility_arrears"
    entry = ChangeLog.objects.filter(action="catalog_version_created").order_by("-id").first()
    assert entry.before == {"version": 1, "hash": v1.definition_hash}


@pytest.mark.parametrize(
    "code", ["penalty", "licence", "list_decision", "honour", "enforcement", "evaluation_result"]
)
def test_shipped_definitions_survive_the_form_unchanged(admin_client, shipped, code):
    """A shipped definition opened in the form and saved untouched is no new version:
    every key (rules without an input of their own included) comes back."""
    version = current_version(code)
    url = reverse("admin:catalog_dataset_redefine", args=[version.dataset_id])
    response = admin_client.post(url, _as_post(version.definition), follow=True)
    assert "定义没有变化" in response.content.decode(), response.context.get("problems")
    assert current_version(code).number == 1


def test_same_meaning_ignores_restated_defaults_only():
    plain = {"code": "x", "fields": [{"code": "A", "type": "text"}]}
    restated = {"code": "x", "providers": [], "fields": [{"code": "A", "type": "text",
                                                          "required": False, "public": True}]}  # fmt: skip
    assert same_meaning(plain, restated)
    assert not same_meaning(plain, {"code": "x", "fields": [{"code": "A", "type": "date"}]})
    assert not same_meaning(
        plain, {"code": "x", "fields": [{"code": "A", "type": "text", "public": False}]}
    )


def test_export_reloads_to_the_same_definition(admin_client, shipped, tmp_path, capsys):
    _define(admin_client)
    dataset = Dataset.objects.get(code="utility_arrears")
    page = admin_client.get(reverse("admin:catalog_dataset_change", args=[dataset.pk]))
    assert "导出 YAML" in page.content.decode() and "修改定义" in page.content.decode()

    response = admin_client.get(reverse("admin:catalog_dataset_export", args=[dataset.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="utility_arrears.yaml"'
    text = response.content.decode("utf-8")
    assert text.startswith("# 欠缴公用事业费（utility_arrears）v1")
    assert definition_hash(yaml.safe_load(text)) == dataset.current_version.definition_hash

    path = tmp_path / "utility_arrears.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("load_catalog", str(path))
    assert "utility_arrears.yaml：欠缴公用事业费（utility_arrears）未变化，当前版本 v1" in (
        capsys.readouterr().out
    )
    # Edited as a file and loaded back: a new version, as an edit in the admin makes.
    path.write_text(
        text.replace("name: 欠缴公用事业费", "name: 欠缴公用事业费用"), encoding="utf-8"
    )
    call_command("load_catalog", str(path))
    assert "欠缴公用事业费用（utility_arrears）更新，当前版本 v2" in capsys.readouterr().out
    assert current_version("utility_arrears").definition["fields"] == EXPECTED["fields"]

    # The changelist action exports several datasets as one zip of loadable files.
    import zipfile

    penalty = Dataset.objects.get(code="penalty")
    action = admin_client.post(
        reverse("admin:catalog_dataset_changelist"),
        {"action": "export_yaml", "_selected_action": [dataset.pk, penalty.pk]},
    )
    archive = zipfile.ZipFile(io.BytesIO(action.content))
    assert sorted(archive.namelist()) == ["penalty.yaml", "utility_arrears.yaml"]
    penalty_yaml = yaml.safe_load(archive.read("penalty.yaml").decode("utf-8"))
    assert definition_hash(penalty_yaml) == current_version("penalty").definition_hash


def test_only_the_credit_admin_defines(db, operator_user, auditor_user, admin_user):
    for user in (operator_user, auditor_user):
        with pytest.raises(PermissionDenied):
            save_definition(Actor.for_user(user), copy.deepcopy(EXPECTED))
    auditor = Client()
    auditor.force_login(auditor_user)
    assert auditor.get(DEFINE).status_code == 403
    assert auditor.post(DEFINE, post_data(ATTRIBUTES, FIELDS)).status_code == 403
    listing = auditor.get(reverse("admin:catalog_dataset_changelist")).content.decode()
    assert "定义新信息事项" not in listing
    assert not Dataset.objects.exists()
    save_definition(Actor.for_user(admin_user), copy.deepcopy(EXPECTED))
    assert Dataset.objects.filter(code="utility_arrears").exists()


def test_load_catalog_files_reports_every_bad_file_and_loads_nothing(db, tmp_path, capsys):
    good = tmp_path / "utility_arrears.yaml"
    good.write_text(yaml.safe_dump(EXPECTED, allow_unicode=True), encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: [unclosed\n", encoding="utf-8")
    wrong = copy.deepcopy(EXPECTED)
    wrong.update(code="other_arrears", share_attr="随便共享")
    bad = tmp_path / "other.yaml"
    bad.write_text(yaml.safe_dump(wrong, allow_unicode=True), encoding="utf-8")

    with pytest.raises(CommandError) as exc:
        call_command("load_catalog", str(good), str(broken), str(bad), str(tmp_path / "no.yaml"))
    assert exc.value.returncode == 2
    assert str(exc.value) == "3 个定义文件有误，信息目录未做任何更改"
    err = capsys.readouterr().err
    assert "broken.yaml：错误：无法解析 YAML" in err
    assert "other.yaml：错误：共享属性 share_attr 的取值“随便共享”无效" in err
    assert "no.yaml：错误：文件不存在或无法读取" in err
    assert not Dataset.objects.exists()

    call_command("load_catalog", str(good))
    assert "utility_arrears.yaml：欠缴公用事业费（utility_arrears）新增，当前版本 v1" in (
        capsys.readouterr().out
    )
    assert current_version("utility_arrears").definition == EXPECTED


def test_lists_and_mappings_where_names_belong_are_findings_not_crashes(db, tmp_path):
    definition = copy.deepcopy(EXPECTED)
    definition["category"] = ["不良"]
    definition["publicity"] = {"rule": ["fixed_term"]}
    definition["fields"][0].update(type=["text"], role={"a": 1})
    definition["fields"][2].update(identifier=["uscc"], masking=["name"])
    definition["fields"][6]["aliases"] = "文号"
    definition["fields"][7]["not_before_field"] = ["QF_RDRQ"]
    definition["fields"][5]["required_when"] = {"field": ["QF_ZTLB"], "in": ["个体工商户"]}
    path = tmp_path / "odd.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as exc:
        load_files(Actor.system("test"), [path])
    problems = "；".join(exc.value.problems)
    assert "信息类别 category 的取值“['不良']”无效" in problems
    assert "公示规则 publicity.rule 的取值“['fixed_term']”无效" in problems
    assert "未知的类型“['text']”" in problems
    assert "未知的映射角色“{'a': 1}”" in problems
    assert "证照代码类型“['uscc']”无效" in problems
    assert "aliases 须为表头文本列表" in problems
    assert "not_before_field 引用了不存在的字段“['QF_RDRQ']”" in problems
    assert "required_when 引用了不存在的字段“['QF_ZTLB']”" in problems


def test_bad_input_in_the_form_comes_back_with_chinese_messages(admin_client):
    attributes = {**ATTRIBUTES, "name": "欠缴\x00公用事业费", "update_deadline_workdays": "七"}
    fields = copy.deepcopy(FIELDS)
    fields[0]["max_length"] = "-3"
    fields[1]["other"] = "{unclosed"
    fields[2]["other"] = "[1, 2]"
    fields[3]["other"] = "{values: [a]}"
    fields[4]["help"] = "很长" * 5000
    response = _define(admin_client, attributes, fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert "不能包含控制字符" in html
    assert "输入整数" in html
    assert "其他规则无法解析" in html
    assert "其他规则须为“键: 值”的映射" in html
    assert "其他规则中的“values”请在对应栏目中填写" in html
    assert "请修正下面标出的错误" in html
    assert not Dataset.objects.exists()
