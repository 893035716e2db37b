"""Reading department files: CSV in any of the encodings departments use, and XLSX.

A reader yields the header row once, then `(row_number, values)` with row numbers as a
person sees them in the source (the header is row 1), without ever holding the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from credit.collection import errors, workbook_guard
from credit.collection.errors import FileProblem, Problem
from credit.collection.workbook_guard import Limits

log = logging.getLogger(__name__)

SNIFF_BYTES = 1 << 20
CSV_FIELD_LIMIT = 1 << 20
# One physical line of a CSV is read whole; past this it is refused rather than held.
CSV_LINE_LIMIT = 8 << 20
csv.field_size_limit(CSV_FIELD_LIMIT)
# Formats calamine reads but the platform cannot inspect before reading (binary XLS, and
# ODS, whose content.xml has no cheap declared extent): refused, with the way out.
UNINSPECTABLE = (".xls", ".ods")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """An opened source: its format, encoding, header and a row iterator."""

    format: str
    encoding: str
    sheet: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    _closers: list = field(default_factory=list)

    def close(self) -> None:
        for closer in self._closers:
            closer()


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, decided from the first bytes.

    GB18030 is a superset of GBK and GB2312, so it reads files saved as either.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a multibyte char cut at the end is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise FileProblem(
            [
                Problem(
                    errors.FILE_ENCODING, "无法识别文件编码：请使用 UTF-8 或 GB18030/GBK 编码的 CSV"
                )
            ]
        ) from exc


def open_table(path: Path, filename: str = "", limits: Limits | None = None) -> Table:
    """The table of a department's file. A workbook is inspected first (workbook_guard) and
    then read in a child process with a memory and CPU limit, so no file can take down the
    process that reads it; a CSV is streamed here, within the same row and column limits."""
    name = (filename or path.name).lower()
    limits = limits or Limits.from_settings()
    with open(path, "rb") as fh:
        head = fh.read(8)
    if name.endswith(UNINSPECTABLE) or head.startswith(OLE2_MAGIC):
        raise FileProblem(
            [
                Problem(
                    errors.FILE_FORMAT,
                    "不支持 XLS 或 ODS 格式的文件：请在 Excel 或 WPS 中另存为 XLSX（Excel 工作簿）"
                    "或 CSV 后上传",
                )
            ]
        )
    if name.endswith((".xlsx", ".xlsm")) or head.startswith(b"PK\x03\x04"):
        workbook_guard.inspect_xlsx(path, limits)
        return _open_workbook_isolated(path, limits)
    if name.endswith((".csv", ".txt")) or not name:
        return _open_csv(path, limits)
    raise FileProblem(
        [Problem(errors.FILE_FORMAT, f"不支持的文件格式：{filename}（请上传 CSV 或 XLSX 文件）")]
    )


def _open_csv(path: Path, limits: Limits | None = None) -> Table:
    limits = limits or Limits()
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head.strip():
        raise FileProblem([Problem(errors.FILE_EMPTY, "文件为空")])
    encoding = detect_encoding(head)
    fh = open(path, encoding=encoding, newline="", errors="strict")  # noqa: SIM115
    reader = csv.reader(_without_nul(fh))
    try:
        header = next(reader)
    except (StopIteration, UnicodeDecodeError, csv.Error) as exc:
        fh.close()
        raise FileProblem([Problem(errors.FILE_UNREADABLE, "无法读取表头行")]) from exc
    except FileProblem:
        fh.close()
        raise
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    if width > limits.max_columns:
        fh.close()
        raise FileProblem(
            [
                Problem(
                    errors.FILE_LIMIT,
                    f"表头有 {width:,} 列，超过上限 {limits.max_columns:,} 列，请删除多余的列",
                    row=1,
                )
            ]
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        # Rows are numbered as a spreadsheet shows them (header = 1), not by physical
        # line: a quoted field with a line break is still one row for the department.
        try:
            for number, values in enumerate(reader, start=2):
                if number > limits.max_rows:
                    raise FileProblem(
                        [
                            Problem(
                                errors.FILE_LIMIT,
                                f"文件超过 {limits.max_rows:,} 行（含表头）的上限，"
                                "请拆分为多个文件上传",
                                row=number,
                            )
                        ]
                    )
                if values and any(v.strip() for v in values):
                    yield number, values
        except UnicodeDecodeError as exc:
            raise FileProblem(
                [
                    Problem(
                        errors.FILE_ENCODING,
                        f"第 {reader.line_num + 1} 行附近出现无法按 {encoding} 解码的字符，"
                        "文件编码不一致",
                        row=reader.line_num + 1,
                    )
                ]
            ) from exc
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise FileProblem(
                    [
                        Problem(
                            errors.FILE_LIMIT,
                            f"第 {reader.line_num} 行附近有字段超过 {CSV_FIELD_LIMIT:,} 个字符的上限，"
                            "文件无法处理",
                            row=reader.line_num,
                        )
                    ]
                ) from exc
            raise FileProblem(
                [
                    Problem(
                        errors.FILE_UNREADABLE,
                        f"第 {reader.line_num} 行 CSV 格式错误：{exc}",
                        row=reader.line_num,
                    )
                ]
            ) from exc

    return Table("csv", encoding, "", header, rows(), [fh.close])


def _without_nul(lines) -> Iterator[str]:
    """The lines of a text CSV; a NUL means UTF-16 or a binary file, which PostgreSQL
    could not store anyway, so the file is refused with the line it was found on."""
    number = 0
    while line := lines.readline(CSV_LINE_LIMIT):
        number += 1
        if len(line) >= CSV_LINE_LIMIT and not line.endswith(("\n", "\r")):
            raise FileProblem(
                [
                    Problem(
                        errors.FILE_LIMIT,
                        f"第 {number} 行超过 {CSV_LINE_LIMIT:,} 个字符，文件无法处理"
                        "（可能不是正常的 CSV 文件）",
                        row=number,
                    )
                ]
            )
        if "\x00" in line:
            raise FileProblem(
                [
                    Problem(
                        errors.FILE_ENCODING,
                        f"第 {number} 行含有空字符（NUL）：文件不是 UTF-8 或 GBK 编码的 CSV"
                        "（可能是 UTF-16 编码或二进制文件），请另存为 UTF-8 CSV 或 XLSX",
                        row=number,
                    )
                ]
            )
        yield line


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y/%m/%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y/%m/%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _open_workbook(path: Path) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet_name = workbook.sheet_names[0]
        sheet = workbook.get_sheet_by_index(0)
        iterator = iter(sheet.iter_rows())
        header = [_cell_text(v).strip() for v in next(iterator)]
    except StopIteration as exc:
        raise FileProblem([Problem(errors.FILE_EMPTY, "工作表为空")]) from exc
    except MemoryError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileProblem(
            [Problem(errors.FILE_UNREADABLE, f"无法读取 Excel 文件：{type(exc).__name__}")]
        ) from exc
    while header and not header[-1]:
        header.pop()

    # A cell may hold NUL, which PostgreSQL cannot store and is never meaningful in a
    # field: dropped, as in JSON pushes.
    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(iterator, start=2):
            texts = [_cell_text(v).replace("\x00", "") for v in values]
            if any(t.strip() for t in texts):
                yield number, texts

    return Table("xlsx", "", sheet_name, header, rows())


CRASHED = (
    "文件无法读取：读取 Excel 文件时超出内存或时间限制，或读取程序异常退出（文件可能异常或已损坏）。"
    "请在 Excel 或 WPS 中打开并另存为 XLSX 或 CSV，删除多余的行列后重新上传"
)


def _crashed(returncode: int | None) -> FileProblem:
    # A negative code is the signal: SIGABRT when an allocation failed under the memory
    # limit, SIGXCPU/SIGKILL past the CPU limit.
    log.warning("workbook reader exited with %s before the end of the file", returncode)
    return FileProblem([Problem(errors.FILE_UNREADABLE, CRASHED)])


def _open_workbook_isolated(path: Path, limits: Limits) -> Table:
    """Read the workbook in `python -m credit.collection.read_child`, which sets its own
    memory and CPU limits before it opens the file and streams the rows back as JSON lines.
    A spawned interpreter, not a fork: the caller may be a threaded web server."""
    import credit

    env = dict(os.environ)
    package_root = str(Path(credit.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "credit.collection.read_child", str(path), *limits.as_args()],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        bufsize=1 << 20,
        stderr=subprocess.DEVNULL,
        env=env,
    )

    def close() -> None:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.wait()

    def message():
        line = process.stdout.readline()
        if not line:
            process.wait()
            raise _crashed(process.returncode)
        value = orjson.loads(line)
        if isinstance(value, dict) and "problems" in value:
            raise FileProblem([Problem(**p) for p in value["problems"]])
        return value

    try:
        first = message()
    except BaseException:
        close()
        raise

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            value = message()
            if isinstance(value, dict):  # {"end": true}
                return
            yield from map(tuple, value)

    return Table("xlsx", "", first["sheet"], first["header"], rows(), [close])


def open_json_rows(items: list[dict]) -> Table:
    """JSON pushes: the union of keys in order of first appearance is the header."""
    keys: list[str] = []
    seen: set[str] = set()
    for item in items:
        for key in item:
            if key not in seen:
                seen.add(key)
                keys.append(key)

    # JSON may carry \u0000, which PostgreSQL cannot store (not even in an error message
    # quoting the value); it is never meaningful in a field, so it is dropped.
    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, item in enumerate(items, start=1):
            yield number, [_cell_text(item.get(key)).replace("\x00", "") for key in keys]

    header = [key.replace("\x00", "") for key in keys]
    return Table("json", "utf-8", "", header, rows())
