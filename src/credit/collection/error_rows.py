"""The error-rows file (错误行重新上报文件): the rows of a batch that had errors, as sent.

Built from the stored source file (decrypted through storage), in the format it came in
(CSV stays CSV, XLSX stays XLSX), with the original header and every value unchanged, ID
numbers included: it is what the department corrects and uploads again, which the masked
report cannot be. That is also why only the sending department may download it
(permissions.can_download_error_rows) and why each download is access-logged.

Choices about the file itself:
- CSV is written in the encoding family it came in: GB18030 for a GB18030/GBK file (Excel
  on Chinese Windows opens it as is), UTF-8 with a BOM for a UTF-8 file (the BOM makes Excel
  read it as UTF-8; the importer takes either).
- CSV values are written exactly as sent, without spreadsheet_safe's apostrophe: the file
  goes back only to the department that sent those very cells, and an apostrophe would
  become part of the value when the file is uploaded again ('-1.5 is not a number).
- XLSX has cell types, so nothing needs changing to be safe: every cell is written as a
  text cell (type `s`, format `@`, quotePrefix on formula-like text), so the workbook holds
  no formula at all while the text stays exactly as sent; the importer reads it back
  unchanged. Cells a problem names are highlighted as in the report.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from credit.catalog import queries as catalog
from credit.collection import errors, reports, storage
from credit.collection.errors import WARNING_CODES, FileProblem
from credit.collection.models import Batch, BatchError
from credit.core import spreadsheet_safe
from credit.core.errors import ServiceError
from credit.core.normalize import header_key

# Problems about the file as a whole: a batch with one of them has no rows to send again
# on their own (the file itself needs correcting).
FILE_CODES = frozenset(
    {
        errors.FILE_UNREADABLE,
        errors.FILE_ENCODING,
        errors.FILE_EMPTY,
        errors.FILE_FORMAT,
        errors.FILE_LIMIT,
        errors.HEADER_MISSING,
        errors.HEADER_UNKNOWN,
        errors.HEADER_DUPLICATE,
        errors.HEADER_TRUNCATED,
        errors.ROW_WIDTH,
        errors.SOURCE_GONE,
        errors.SOURCE_CORRUPT,
        errors.ERRORS_TRUNCATED,
    }
)
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def error_rows(batch: Batch) -> list[int]:
    """Source row numbers with an error (not a note); refuses, in Chinese, a batch that
    has none or whose problem is the file itself."""
    found: set[int] = set()
    for row, code, message in BatchError.objects.filter(batch=batch).values_list(
        "row", "code", "message"
    ):
        if code in FILE_CODES:
            raise ServiceError(
                "file_refused",
                f"该文件整体未能处理（{errors.shown(message, 200)}），没有可单独重新上报的错误行："
                "请修正整个文件后重新上传",
                status=409,
            )
        if code not in WARNING_CODES and row is not None:
            found.add(row)
    if not found:
        raise ServiceError("no_error_rows", "本批次没有错误行，无需重新上报", status=409)
    return sorted(found)


def filename(batch: Batch) -> str:
    source = Path(batch.filename or "upload.csv")
    suffix = ".xlsx" if _is_xlsx(batch) else (source.suffix.lower() or ".csv")
    return f"{source.stem}_错误行重新上报{suffix}"


def _is_xlsx(batch: Batch) -> bool:
    return batch.file_format == "xlsx" or batch.filename.lower().endswith(XLSX_SUFFIXES)


def write(batch: Batch, rows: list[int], folder: Path) -> tuple[Path, int]:
    """Write the file into `folder` (a private directory); (path, rows written)."""
    wanted = set(rows)
    fd, name = tempfile.mkstemp(dir=folder, prefix="error-rows-", suffix=".part")  # 0600
    os.close(fd)
    path = Path(name)
    try:
        table = storage.open_table(batch)
    except storage.SourceUnavailable as exc:
        path.unlink(missing_ok=True)
        raise ServiceError(
            exc.code,
            f"{exc.message}，无法生成错误行重新上报文件：请按处理报告修正原文件后重新上传",
            status=410,
        ) from exc
    except FileProblem as exc:
        path.unlink(missing_ok=True)
        raise ServiceError(
            "file_refused",
            "源文件无法读取（" + "；".join(p.message for p in exc.problems) + "）",
            status=409,
        ) from exc
    try:
        selected = _selected(table.rows, wanted)
        if table.format == "xlsx":
            count = _write_xlsx(batch, table, selected, path)
        else:
            count = _write_csv(table, selected, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        table.close()
    return path, count


def _selected(rows, wanted: set[int]) -> Iterator[tuple[int, list[str]]]:
    last = max(wanted)
    try:
        for row_no, values in rows:
            if row_no in wanted:
                yield row_no, values
            if row_no >= last:
                return
    except FileProblem:
        # A file refused part-way: the error rows before the problem are all there is.
        return


def _write_csv(table, rows, path: Path) -> int:
    encoding = "gb18030" if table.encoding == "gb18030" else "utf-8-sig"
    count = 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(table.header)
        for _row_no, values in rows:
            writer.writerow(values)
            count += 1
    return count


def _write_xlsx(batch: Batch, table, rows, path: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    named = reports.bad_columns(batch)
    index: dict[str, list[int]] = {}
    fields = catalog.header_index(batch.dataset_version)
    for pos, label in enumerate(table.header):
        field = fields.get(header_key(label or ""))
        for name in {(label or "").strip(), field.label if field else None} - {None, ""}:
            index.setdefault(name, []).append(pos)
    fill = PatternFill("solid", fgColor=reports.BAD_CELL_FILL)
    bold = Font(bold=True)

    def text_cell(sheet, value, font=None):
        # No cut to Excel's cell limit is needed: the values come from a workbook.
        cell = WriteOnlyCell(sheet, value=value)
        # Text, even when the department edits it: an 18-digit ID number or a date typed
        # into a General cell would otherwise become a number.
        cell.data_type = "s"
        cell.number_format = "@"
        if spreadsheet_safe.is_formula_like(value):
            spreadsheet_safe.mark_text(cell)
        if font is not None:
            cell.font = font
        return cell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet((table.sheet or "Sheet1")[:31])
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, h, bold) for h in table.header])
    count = 0
    for row_no, values in rows:
        cells = [text_cell(sheet, v) for v in values]
        for column in named.get(row_no, ()):
            for pos in index.get(column, ()):
                if pos < len(cells):
                    cells[pos].fill = fill
        sheet.append(cells)
        count += 1
    workbook.save(path)
    return count
