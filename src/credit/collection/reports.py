"""The batch report: every source row again, with 结果, 说明, 报送工作日 and 是否超期."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from credit.catalog import queries as catalog
from credit.collection import readers, storage
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
EXTRA_COLUMNS = ["结果", "说明", "报送工作日", "是否超期"]
UNKNOWN_TIMELINESS = "无法计算"


def _on_time(batch: Batch):
    from credit.collection.pipeline import on_time_check

    return on_time_check(batch.dataset.code, catalog.fields_of(batch.dataset_version))


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


def iter_report_rows(batch: Batch):
    """Yields the header, then each source row with the four added columns."""
    written, messages, _ = row_outcomes(batch)
    deadline = batch.dataset_version.update_deadline_workdays
    received = batch.received_at.astimezone().date()
    try:
        table = open_source(batch)
    except FileProblem as exc:
        yield ["文件"] + EXTRA_COLUMNS
        yield ["", ERROR, "；".join(p.message for p in exc.problems), "", ""]
        return
    try:
        # Each column is looked up on its own, so even a file refused for its header gets
        # its dates read and its ID numbers masked: the report is an export, and ID numbers
        # leave the platform masked even towards the department that sent them.
        index = catalog.header_index(batch.dataset_version)
        mapped = [index.get(header_key(h or "")) for h in table.header]
        date_pos = next((i for i, f in enumerate(mapped) if f and f.role == "decision_date"), None)
        secret = [i for i, f in enumerate(mapped) if f and f.masking == "id_number"]
        on_time = _on_time(batch)
        yield list(table.header) + EXTRA_COLUMNS
        width = len(table.header)
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
                yield [""] * width + [ERROR, "；".join(p.message for p in exc.problems), "", ""]
                break
            values = (values + [""] * width)[:width] if len(values) < width else list(values)
            for pos in secret:
                if pos < len(values) and values[pos]:
                    values[pos] = mask_id_number(values[pos])
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
            yield list(values) + [result, explanation, days, late]
    finally:
        table.close()


def write_report(batch: Batch, fmt: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = iter_report_rows(batch)
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            for row in rows:
                writer.writerow(spreadsheet_safe.csv_row(row))
        return path
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("处理结果")
    sheet.freeze_panes = "A2"
    # The header is the department's too: it may be formula-like as much as any cell.
    sheet.append(spreadsheet_safe.xlsx_row(sheet, next(rows), Font(bold=True)))
    for row in rows:
        sheet.append(spreadsheet_safe.xlsx_row(sheet, row))
    workbook.save(path)
    return path
