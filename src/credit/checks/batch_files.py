"""The files of a batch credit check: which uploads are accepted, and the template to fill in.

The columns are those `files.subjects_from_file` reads (`files.FILE_COLUMNS`); the
template uses the first spelling of each. The collection readers accept more formats (XLS,
ODS, TXT) for department data; a batch check takes CSV or XLSX only, and says so rather
than reporting missing columns of a file it read as garbage.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from credit.core import spreadsheet_safe
from credit.core.errors import ServiceError
from credit.core.identifiers import make_id_number, make_uscc

ONLY_CSV_XLSX = "仅支持 CSV 或 XLSX 文件"
TEMPLATE_FILENAME = "批量核查模板.xlsx"
TEMPLATE_HEADERS = ("名称", "统一社会信用代码", "身份证号", "地区")

# Examples for the template only, never shown on a page. Both are checksum-valid (so a
# department trying the template sees them resolve as 未找到, not as 标识无效) and plainly
# made up: the ID number's birth date is 2000-01-01 and its sequence number 000, which is
# never issued; the USCC's body is zeros after the 平山区 region code.
EXAMPLE_USCC = make_uscc("91210502000000000")
EXAMPLE_ID_NUMBER = make_id_number("21050220000101000")
EXAMPLE_ROWS = (
    ("本溪市示例商贸有限公司", EXAMPLE_USCC, "", ""),
    ("张示例", "", EXAMPLE_ID_NUMBER, ""),
    ("本溪市示例科技有限公司", "", "", "平山区"),
)

# Leading bytes of formats people upload by mistake; a CSV never starts with them.
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"PK\x03\x04",  # any ZIP: DOCX, ZIP, and XLSX named .csv
    b"\xd0\xcf\x11\xe0",  # OLE2: XLS, DOC
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
    b"\xff\xfe",  # UTF-16 text, which the CSV reader does not decode
    b"\xfe\xff",
)
_SNIFF = 8192


def refuse_examples(subjects: list[dict]) -> None:
    """Raise ServiceError("template_examples") when the file still holds the template's
    example rows: checked as they are, they would be stored as a real check."""
    examples = {tuple(value or "" for value in row) for row in EXAMPLE_ROWS}
    found = [
        number
        for number, subject in enumerate(subjects, start=2)  # row 1 holds the headers
        if tuple(subject.get(key) or "" for key in ("name", "uscc", "id_number", "region"))
        in examples
    ]
    if found:
        rows = "、".join(str(n) for n in found[:10])
        raise ServiceError("template_examples", f"第 {rows} 行是模板中的示例行，请删除后再上传")


def _not_supported(why: str) -> ServiceError:
    return ServiceError("file_format", f"{ONLY_CSV_XLSX}：{why}")


def check_upload(path: Path, filename: str) -> None:
    """Raise ServiceError("file_format") unless `path` is a CSV or an XLSX workbook, by the
    name's extension and by the content."""
    suffix = Path(filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        shown = f"扩展名为 {suffix[:10]}" if suffix else "文件没有扩展名"
        raise _not_supported(f"所传文件{shown}")
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF)
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04") or not _is_workbook(path):
            raise _not_supported("文件扩展名为 .xlsx，但内容不是 Excel 工作簿")
        return
    if head.startswith(_BINARY_MAGIC) or _looks_binary(head):
        raise _not_supported("文件扩展名为 .csv，但内容不是文本表格")


def _is_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _looks_binary(head: bytes) -> bool:
    # Text has no NUL and few control characters; tab, CR, LF and form feed are allowed.
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 0x20 and byte not in b"\t\r\n\x0c")
    return controls > max(8, len(head) // 100)


def build_template() -> bytes:
    """The XLSX template: the accepted headers, one example row per way of naming a
    subject, and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "核查主体"
    spreadsheet_safe.append_row(sheet, TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for row in EXAMPLE_ROWS:
        spreadsheet_safe.append_row(sheet, row)
    example = Font(color="808080", italic=True)
    for cells in sheet.iter_rows(min_row=2, max_row=1 + len(EXAMPLE_ROWS)):
        for cell in cells:
            cell.font = example
    for letter, width in zip("ABCD", (34, 24, 24, 14), strict=True):
        sheet.column_dimensions[letter].width = width
        # Text format keeps 18-digit numbers from turning into 2.1E+17 when typed.
        sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("填写说明")
    guide.column_dimensions["A"].width = 100
    for line in (
        "批量核查填写说明",
        "1. 在“核查主体”工作表中每行填写一个主体，表头请勿修改；一次最多 10,000 个主体。",
        "2. 企业等组织：填写统一社会信用代码（18 位）；没有代码时填写名称，可加地区（如 平山区）帮助区分同名主体。",
        "3. 自然人：只能按身份证号（18 位或 15 位）核查，可同时填写姓名。",
        "4. 同时填写代码和名称时以代码为准。",
        "5. 第 2–4 行为示例，其中的代码和身份证号均为虚构，提交前请删除。",
        "6. 也可上传 CSV 文件（UTF-8 或 GBK 编码），表头相同：名称,统一社会信用代码,身份证号,地区。",
    ):
        spreadsheet_safe.append_row(guide, [line])
    guide["A1"].font = Font(bold=True, size=13)
    workbook.properties.title = "批量核查模板"
    workbook.properties.creator = "信用本溪"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
