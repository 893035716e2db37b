"""The XLSX template departments fill in: header row, dropdowns, and the dictionary."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from credit.catalog.dictionary import COLUMNS, DATE_FORMAT, dictionary_rows
from credit.catalog.models import DatasetVersion, Field
from credit.catalog.queries import fields_of
from credit.core import spreadsheet_safe

# Excel refuses an inline list (`"a,b,c"`) longer than 255 characters and reports on
# how CJK text counts disagree, so the limit is applied to UTF-8 bytes: longer lists go
# to the hidden sheet, which works for any length.
INLINE_LIST_LIMIT = 255
# Rows that get dropdowns; Excel stores a range, so a large number costs nothing.
DATA_ROWS = 10000
LISTS_SHEET = "代码表"
GUIDE_SHEET = "填写说明"
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TEXT = "@"


def template_filename(version: DatasetVersion) -> str:
    return f"{version.name}_v{version.number}_导入模板.xlsx"


def build_template(version: DatasetVersion) -> bytes:
    fields = fields_of(version)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = version.name[:31]
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_column = 0

    for column, field in enumerate(fields, start=1):
        letter = get_column_letter(column)
        cell = spreadsheet_safe.set_cell(sheet, 1, column, field.label)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if field.required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = max(12, min(40, len(field.label) * 2 + 4))
        # Text format keeps 18-digit ID numbers and leading zeros intact and stops Excel
        # from turning dates into serial numbers.
        if field.type != "decimal":
            sheet.column_dimensions[letter].number_format = _TEXT
        comment = _header_comment(field)
        if comment:
            cell.comment = Comment(comment, "信用本溪", width=300, height=120)

        if field.type in ("enum", "multi_enum"):
            validation, list_column = _dropdown(field, lists, list_column)
            validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
            sheet.add_data_validation(validation)

    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 36
    _write_guide(workbook.create_sheet(GUIDE_SHEET), version)
    workbook.properties.title = f"{version.name}导入模板"
    workbook.properties.subject = f"{version.dataset.code} v{version.number}"
    workbook.properties.creator = "信用本溪"

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _dropdown(field: Field, lists, list_column: int) -> tuple[DataValidation, int]:
    values = list(field.enum_values)
    inline = ",".join(values)
    if len(inline.encode("utf-8")) + 2 <= INLINE_LIST_LIMIT and not any(
        '"' in v or "," in v for v in values
    ):
        formula = f'"{inline}"'
    else:
        list_column += 1
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=field.code)
        for row, value in enumerate(values, start=2):
            # Code values are catalog data the credit office edits: "-" or "=" first must
            # not make a dropdown entry a formula.
            spreadsheet_safe.set_cell(lists, row, list_column, value)
        end = len(values) + 1
        formula = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${end}"
    # Free text (其他-…) and several values joined by a separator are legitimate, so those
    # columns warn instead of refusing.
    lenient = bool(field.enum_free_prefix) or field.type == "multi_enum"
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning" if lenient else "stop",
        errorTitle="取值不在范围内",
        error=_value_hint(field),
        promptTitle=field.label[:32],
        prompt=_value_hint(field)[:255],
        showInputMessage=True,
    )
    return validation, list_column


def _value_hint(field: Field) -> str:
    hint = "请从下拉列表选择"
    if field.type == "multi_enum":
        hint += f"，多个取值用“{field.rules.get('separator', ';')}”分隔"
    if field.enum_free_prefix:
        hint += f"；其他情况填写“{field.enum_free_prefix}具体内容”"
    return hint


def _header_comment(field: Field) -> str:
    parts = []
    if field.type == "date":
        parts.append(f"日期格式：{DATE_FORMAT}，如 2024/03/15")
    if field.help:
        parts.append(field.help)
    return "\n".join(parts)


def _write_guide(guide, version: DatasetVersion) -> None:
    spreadsheet_safe.append_row(
        guide, [f"{version.name}（{version.dataset.code}）数据字典，第 {version.number} 版"]
    )
    guide["A1"].font = Font(bold=True, size=13)
    guide.append(["首行为表头，请勿修改；表头可使用中文名称或交换代码。日期格式 " + DATE_FORMAT])
    spreadsheet_safe.append_row(guide, COLUMNS)
    for cell in guide[3]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for row in dictionary_rows(version):
        spreadsheet_safe.append_row(guide, row.cells())
    for letter, width in zip("ABCDEFGHI", [6, 32, 16, 10, 28, 8, 40, 12, 50], strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.freeze_panes = "A4"
