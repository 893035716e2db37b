"""The batch report: every source row again, numbered (行号), with 结果, 说明, 报送工作日
and 是否超期; in XLSX the cells a problem names are highlighted.

The report is an export: ID numbers are masked even towards the department that sent them.
The file a department corrects and uploads again is the error-rows file (error_rows.py).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from credit.catalog import queries as catalog
from credit.collection import consumers, errors, readers, storage
from credit.collection.columns import OUTCOME_COLUMNS, ROW_NUMBER, is_report_column
from credit.collection.errors import WARNING_CODES, FileProblem
from credit.collection.models import Batch, BatchError, BatchState
from credit.collection.validation import parse_date
from credit.core import spreadsheet_safe, workdays
from credit.core.masking import mask_id_number
from credit.core.normalize import header_key
from credit.records.models import Record

NEW, UPDATED, UNCHANGED, ERROR, NOT_PROCESSED, VALID = (
    "新增",
    "更新",
    "未变",
    "错误",
    "未处理",
    "校验通过",
)
EXTRA_COLUMNS = list(OUTCOME_COLUMNS)
UNKNOWN_TIMELINESS = "无法计算"


def _on_time(batch: Batch):
    return consumers.on_time_check(batch.dataset.code, catalog.fields_of(batch.dataset_version))


def _by_code(mapped, values) -> dict[str, str]:
    return {f.code: v for f, v in zip(mapped, values, strict=False) if f is not None}


def open_source(batch: Batch) -> readers.Table:
    # Through storage: the stored source is encrypted, and may be gone after retention.
    return storage.open_table(batch)


def row_outcomes(
    batch: Batch,
) -> tuple[dict[int, str], dict[int, list[str]], dict[int | None, list[str]]]:
    """(written rows → 新增/更新, row → messages, file-level messages keyed None)."""
    written = {
        row: (NEW if created == batch.id else UPDATED)
        for row, created in Record.objects.filter(batch=batch).values_list(
            "batch_row", "created_batch_id"
        )
    }
    messages = _Messages(list)
    for row, code, message in BatchError.objects.filter(batch=batch).values_list(
        "row", "code", "message"
    ):
        messages[row].append(message)
        if code not in WARNING_CODES:
            messages.failed.add(row)
    return written, messages, messages


class _Messages(defaultdict):
    """Messages by row; `failed` holds the rows with an error, not only a note (a row
    whose name differs from the subject's is written, and says so)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.failed: set[int | None] = set()


def outcome_for(batch: Batch, row: int, written: dict[int, str], messages) -> str:
    if row in getattr(messages, "failed", messages):
        return ERROR
    if batch.state != BatchState.DONE:
        return NOT_PROCESSED
    if batch.dry_run:
        return VALID
    return written.get(row, UNCHANGED)


# Problems about the header row itself: their column is a header as the file spells it.
HEADER_CODES = frozenset({errors.HEADER_UNKNOWN, errors.HEADER_DUPLICATE})
BAD_CELL_FILL = "FFC7CE"  # Excel's own "bad" red


def bad_columns(batch: Batch) -> dict[int | None, set[str]]:
    """The columns named by the batch's problems (not notes), by row; the header's under
    None (a JSON push's first item is row 1, so the row alone cannot tell)."""
    found: dict[int | None, set[str]] = defaultdict(set)
    for row, column, code in BatchError.objects.filter(batch=batch).values_list(
        "row", "column", "code"
    ):
        if column and code not in WARNING_CODES:
            found[None if code in HEADER_CODES else row].add(column)
    return found


def iter_report_rows(batch: Batch):
    """Yields the header, then each source row: 行号, the source values, the four outcome
    columns."""
    for values, _bad in report_rows(batch):
        yield values


def report_rows(batch: Batch, seen: dict | None = None):
    """(values, positions of the cells a problem names) for the header and every row.
    `seen["personal"]` tells afterwards whether any row carried a masked value (an ID
    number): such a report holds personal data."""
    seen = {} if seen is None else seen
    seen["personal"] = False
    written, messages, _ = row_outcomes(batch)
    named = bad_columns(batch)
    deadline = batch.dataset_version.update_deadline_workdays
    received = batch.received_at.astimezone().date()
    try:
        table = open_source(batch)
    except FileProblem as exc:
        yield [ROW_NUMBER, "文件"] + EXTRA_COLUMNS, ()
        yield ["", "", ERROR, "；".join(p.message for p in exc.problems), "", ""], ()
        return
    try:
        # Each column is looked up on its own, so even a file refused for its header gets
        # its dates read and its ID numbers masked: the report is an export, and ID numbers
        # leave the platform masked even towards the department that sent them.
        index = catalog.header_index(batch.dataset_version)
        header = list(table.header)
        mapped = [index.get(header_key(h or "")) for h in header]
        # A report uploaded again carries the columns of its own report: they are not
        # source data and would otherwise appear twice.
        kept = [i for i, h in enumerate(header) if mapped[i] is not None or not is_report_column(h)]
        date_pos = next((i for i, f in enumerate(mapped) if f and f.role == "decision_date"), None)
        secret = [i for i, f in enumerate(mapped) if f and f.masking == "id_number"]
        # Output position (after 行号) of each column a problem may name: its field's label
        # (how row problems name it) or the header as spelt (how header problems do).
        where: dict[str, list[int]] = defaultdict(list)
        for out, i in enumerate(kept, start=1):
            names = {(header[i] or "").strip().lstrip("\ufeff")}
            if mapped[i] is not None:
                names.add(mapped[i].label)
            for name in names:
                where[name].append(out)

        def cells(row) -> tuple[int, ...]:
            return tuple(p for column in named.get(row, ()) for p in where.get(column, ()))

        on_time = _on_time(batch)
        yield [ROW_NUMBER] + [header[i] for i in kept] + EXTRA_COLUMNS, cells(None)
        width = len(header)
        file_messages = messages.get(None, [])
        rows = iter(table.rows)
        while True:
            try:
                row_no, values = next(rows)
            except StopIteration:
                break
            except FileProblem as exc:
                # A file refused part-way (a NUL, an encoding change, an oversized field):
                # the rows read so far, then the problem where reading stopped.
                message = "；".join(p.message for p in exc.problems)
                yield ["", *[""] * len(kept), ERROR, message, "", ""], ()
                break
            values = (values + [""] * width)[:width] if len(values) < width else list(values)
            for pos in secret:
                if pos < len(values) and values[pos]:
                    values[pos] = mask_id_number(values[pos])
                    seen["personal"] = True
            result = outcome_for(batch, row_no, written, messages)
            explanation = "；".join(messages.get(row_no, [])) or (
                "；".join(file_messages) if result == NOT_PROCESSED else ""
            )
            days, late = "", ""
            decided = (
                parse_date(values[date_pos])
                if date_pos is not None and date_pos < len(values)
                else None
            )
            if decided:
                try:
                    n = workdays.workdays_or_unknown(decided, received)
                    if n is None:  # decided before the working-day calendar's first year
                        days = late = UNKNOWN_TIMELINESS
                    else:
                        slow = n > deadline and not (on_time and on_time(_by_code(mapped, values)))
                        days, late = n, ("是" if slow else "否")
                except workdays.WorkdayCalendarError:
                    pass
            # Cells past the header (a row wider than its header) are kept as sent.
            extra = values[width:]
            out = [row_no, *(values[i] for i in kept), *extra, result, explanation, days, late]
            yield out, (cells(row_no) if result == ERROR else ())
    finally:
        table.close()


def write_report(batch: Batch, fmt: str, path: Path) -> bool:
    """Write the report; True when it holds personal data (a masked ID number)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    seen: dict = {}
    rows = report_rows(batch, seen)
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            for row, _bad in rows:
                writer.writerow(spreadsheet_safe.csv_row(row))
        return seen["personal"]
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("处理结果")
    sheet.freeze_panes = "B2"
    fill = PatternFill("solid", fgColor=BAD_CELL_FILL)
    # The header is the department's too: it may be formula-like as much as any cell.
    header, bad = next(rows)
    sheet.append(highlighted(sheet, header, bad, fill, Font(bold=True)))
    for row, bad in rows:
        sheet.append(highlighted(sheet, row, bad, fill))
    workbook.save(path)
    return seen["personal"]


def highlighted(sheet, values: list, bad, fill, font=None) -> list:
    """A write-only row, made safe, with the cells at the positions in `bad` filled."""
    row = spreadsheet_safe.xlsx_row(sheet, values, font)
    if bad:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import Cell

        for pos in set(bad):
            if pos < len(row):
                cell = row[pos]
                if not isinstance(cell, Cell):
                    cell = row[pos] = WriteOnlyCell(sheet, value=cell)
                cell.fill = fill
    return row
