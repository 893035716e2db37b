"""The batch upload page: the template it offers is what the reader accepts, and files that
are neither CSV nor XLSX are refused as such."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from credit.checks import batch_files
from credit.checks.files import FILE_COLUMNS
from credit.checks.models import CreditCheck
from credit.core.identifiers import validate_id_number, validate_uscc

from .test_checks_helpers import make_subject, uscc

pytestmark = pytest.mark.django_db

URL = "/console/checks/batch/"
TEMPLATE_URL = "/console/checks/batch/template.xlsx"
ONLY = "仅支持 CSV 或 XLSX 文件"


@pytest.fixture
def browser(client, operator_user):
    client.force_login(operator_user)
    return client


def _template(browser):
    response = browser.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_page_links_the_template_and_mentions_csv(browser):
    page = browser.get(URL).content.decode()
    assert f'href="{TEMPLATE_URL}"' in page and "下载模板" in page
    assert "CSV" in page and ONLY in page
    assert 'accept=".csv,.xlsx"' in page
    # The example ID number lives in the template only.
    assert batch_files.EXAMPLE_ID_NUMBER not in page


def test_template_headers_are_the_readers_and_examples_are_valid(browser):
    workbook = load_workbook(io.BytesIO(_template(browser)))
    sheet = workbook["核查主体"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header == ["名称", "统一社会信用代码", "身份证号", "地区"]
    assert {FILE_COLUMNS[h] for h in header} == {"name", "uscc", "id_number", "region"}
    by_code, by_id, by_name = (dict(zip(header, row, strict=True)) for row in rows[1:4])
    assert len(rows) == 4
    assert validate_uscc(by_code["统一社会信用代码"]) == by_code["统一社会信用代码"]
    person = validate_id_number(by_id["身份证号"])
    # Obviously made up: born 2000-01-01, sequence number 000.
    assert by_id["身份证号"][6:14] == "20000101" and by_id["身份证号"][14:17] == "000"
    assert person.warnings == []
    assert by_name["名称"] and by_name["地区"] == "平山区"
    assert not by_name["统一社会信用代码"] and not by_name["身份证号"]
    guide = "\n".join(str(r[0]) for r in workbook["填写说明"].iter_rows(values_only=True))
    assert "CSV" in guide and "提交前请删除" in guide


def test_the_template_as_downloaded_is_refused_until_its_examples_are_removed(browser):
    upload = SimpleUploadedFile("批量核查模板.xlsx", _template(browser))
    response = browser.post(URL, {"scenario": "bidding", "purpose": "测试核查", "file": upload})
    assert response.status_code == 200
    assert "第 2、3、4 行是模板中的示例行，请删除后再上传" in response.content.decode()
    assert not CreditCheck.objects.exists()


def test_template_filled_in_is_checked(browser):
    make_subject("本溪市模板填写有限公司", code=uscc(630001))
    workbook = load_workbook(io.BytesIO(_template(browser)))
    sheet = workbook["核查主体"]
    sheet.delete_rows(2, 3)
    sheet.append(["", uscc(630001), "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("名单.xlsx", buffer.getvalue())
    assert (
        browser.post(
            URL, {"scenario": "bidding", "purpose": "测试核查", "file": upload}
        ).status_code
        == 302
    )
    item = CreditCheck.objects.get().answer["items"][0]
    assert item["status"] == "matched" and item["subject"]["name"] == "本溪市模板填写有限公司"


def _xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["统一社会信用代码"])
    workbook.active.append([uscc(630002)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(200)


@pytest.mark.parametrize(
    "name,content,why",
    [
        ("名单.pdf", PDF, "扩展名为 .pdf"),
        ("名单.txt", "统一社会信用代码\n".encode(), "扩展名为 .txt"),
        ("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "扩展名为 .xls"),
        ("名单", "统一社会信用代码\n".encode(), "文件没有扩展名"),
        ("名单.csv", PNG, "内容不是文本表格"),
        ("名单.csv", PDF, "内容不是文本表格"),
        ("名单.csv", None, "内容不是文本表格"),  # an XLSX renamed .csv
        ("名单.xlsx", "统一社会信用代码\n".encode(), "内容不是 Excel 工作簿"),
        ("名单.xlsx", None, "内容不是 Excel 工作簿"),  # a Word file renamed .xlsx
    ],
)
def test_other_files_are_refused_as_such(browser, name, content, why):
    if content is None:
        content = _xlsx_bytes() if name.endswith(".csv") else _docx_bytes()
    upload = SimpleUploadedFile(name, content)
    response = browser.post(URL, {"scenario": "bidding", "purpose": "测试核查", "file": upload})
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert error.startswith(f"{ONLY}：") and why in error
    assert error in response.content.decode()
    assert not CreditCheck.objects.exists()


@pytest.mark.parametrize("name", ["名单.csv", "名单.CSV", "名单.xlsx", "名单.XLSX"])
def test_csv_and_xlsx_of_any_case_are_read(browser, name):
    make_subject("本溪市格式有限公司", code=uscc(630002))
    if name.lower().endswith(".csv"):
        content = f"统一社会信用代码\n{uscc(630002)}\n".encode("gb18030")
    else:
        content = _xlsx_bytes()
    upload = SimpleUploadedFile(name, content)
    response = browser.post(URL, {"scenario": "bidding", "purpose": "测试核查", "file": upload})
    assert response.status_code == 302, response.content.decode()
    assert CreditCheck.objects.get().answer["items"][0]["status"] == "matched"


def test_csv_without_the_columns_still_says_which_columns(browser):
    upload = SimpleUploadedFile("名单.csv", "企业,代码\n甲,1\n".encode())
    response = browser.post(URL, {"scenario": "bidding", "purpose": "测试核查", "file": upload})
    [error] = response.context["form"].non_field_errors()
    assert error.startswith("文件缺少核查所需的列") and error in response.content.decode()
