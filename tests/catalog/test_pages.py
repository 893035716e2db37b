"""Catalog pages and the XLSX template."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model, loaded):
    user = django_user_model.objects.create_user(username="clerk", password="x-long-password-1")
    client.force_login(user)
    return client


def test_pages_require_login(client, loaded):
    for url in ["/catalog/", "/catalog/penalty/", "/catalog/penalty/template.xlsx"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/console/login/")


def test_dataset_list(staff_client):
    page = staff_client.get("/catalog/").content.decode()
    assert "行政处罚" in page and "行政许可" in page
    assert 'href="/catalog/penalty/"' in page


def test_dictionary_page_renders(staff_client):
    response = staff_client.get("/catalog/penalty/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-CN"' in page
    for column in ["序号", "中文名称", "交换代码", "类型", "是否必填", "取值范围", "是否公开"]:
        assert f'<th scope="col">{column}</th>' in page
    assert "CF_XDR_SHXYM" in page and "罚款金额（万元）" in page
    assert "条件必填：行政相对人类别为“自然人”时必填" in page
    assert "条件必填：处罚类别含“罚款”时必填" in page
    assert "不公开" in page
    assert "共 31 项" in page


def test_dictionary_unknown_dataset_and_version(staff_client):
    assert staff_client.get("/catalog/nothing/").status_code == 404
    assert staff_client.get("/catalog/penalty/?version=9").status_code == 404
    assert staff_client.get("/catalog/penalty/?version=1").status_code == 200


def test_template_xlsx(staff_client):
    response = staff_client.get("/catalog/penalty/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["行政处罚", "代码表", "填写说明"]
    sheet = workbook["行政处罚"]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "行政相对人名称" and len(header) == 31
    assert header[-1] == "失信严重程度"
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert workbook["代码表"].sheet_state == "hidden"

    kind_column = "B"  # 行政相对人类别
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    kind = validations[f"{kind_column}2"]
    assert kind.type == "list"
    assert kind.formula1 == '"法人及非法人组织,自然人,个体工商户"'
    # The 处罚类别 list exceeds Excel's 255-character inline limit: it lives on the hidden sheet.
    types_column = "R"
    assert header[17] == "处罚类别"
    types = validations[f"{types_column}2"]
    assert types.formula1.startswith("代码表!") or types.formula1.startswith("'代码表'!")
    lists = workbook["代码表"]
    listed = [c.value for c in lists["A"] if c.value]
    assert listed[0] == "CF_CFLB" and "行政拘留" in listed

    date_column = header.index("处罚决定日期") + 1
    assert "YYYY/MM/DD" in sheet.cell(row=1, column=date_column).comment.text

    guide = workbook["填写说明"]
    rows = list(guide.iter_rows(values_only=True))
    assert rows[2][:3] == ("序号", "中文名称", "交换代码")
    assert rows[3][1] == "行政相对人名称"
    assert len(rows) == 3 + 31


def test_licence_template_status_dropdown(staff_client):
    response = staff_client.get("/catalog/licence/template.xlsx")
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["行政许可"]
    header = [cell.value for cell in sheet[1]]
    assert len(header) == 28
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"1,2"' in formulas
    assert '"普通,特许,认可,核准,登记"' in formulas


def test_admin_is_read_only(client, django_user_model, loaded):
    admin = django_user_model.objects.create_superuser(
        username="root", password="x-long-password-1", email="root@example.cn"
    )
    client.force_login(admin)
    from credit.catalog.queries import current_version

    version = current_version("penalty")
    listing = client.get("/admin/catalog/dataset/")
    assert listing.status_code == 200 and "行政处罚" in listing.content.decode()
    detail = client.get(f"/admin/catalog/datasetversion/{version.pk}/change/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "CF_XDR_SHXYM" in page
    assert 'name="_save"' not in page
    assert client.get("/admin/catalog/dataset/add/").status_code == 403


def test_pages_sit_in_the_console_with_catalog_highlighted(staff_client):
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    for url in ["/catalog/", "/catalog/penalty/"]:
        response = staff_client.get(url)
        page = response.content.decode()
        assert "console/base.html" in [t.name for t in response.templates]
        assert 'aria-label="工作台导航"' in page
        current = page.split('aria-current="page">')[1].split("<", 1)[0]
        assert current == "信息目录"
    with pytest.raises(TemplateDoesNotExist):
        get_template("catalog/standalone_base.html")
