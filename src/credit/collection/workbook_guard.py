"""Inspecting a spreadsheet before anything reads it.

An XLSX is a zip of XML. The reader (python-calamine) allocates one cell for every position
between the first and the last cell it finds, so a 2 KB workbook with a header and one cell
at XFD1048576 asks for ~17 billion cells and aborts the process. Everything here looks at
the archive and the first sheet's XML with bounded memory — zip entries, declared sizes and
compression ratios, the declared `<dimension>`, and a streaming scan of the cell references
that does not trust the declaration — and refuses the file with a Chinese message past the
configured limits. No Django import: the child reader (`credit.collection.read_child`) runs
it too, with the limits handed over on its command line.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from credit.collection import errors
from credit.collection.errors import FileProblem, Problem

CHUNK = 1 << 20
# workbook.xml and its relationships are tiny in any real workbook; parsing them whole is
# fine below this size, and a larger one is an attack.
SMALL_PART = 4 << 20
# The declared dimension sits before <sheetData>; in real files within the first bytes.
HEAD_BYTES = 64 << 10
# Entries smaller than this may compress as well as they like: they cannot hurt.
RATIO_FLOOR = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What a spreadsheet may be. Defaults are the CREDIT_* settings' defaults."""

    max_rows: int = 1_000_000  # including the header row
    max_columns: int = 200
    max_cells: int = 50_000_000  # rows × columns the reader would allocate
    max_sheet_mb: int = 1024  # uncompressed XML of the sheet read
    max_ratio: int = 100  # uncompressed / compressed size of any large zip entry
    max_entries: int = 1000
    memory_mb: int = 4096  # address space of the child process that reads the workbook
    cpu_seconds: int = 900  # CPU time of that child

    @classmethod
    def from_settings(cls, **overrides) -> Limits:
        from django.conf import settings

        values = {
            "max_rows": settings.CREDIT_UPLOAD_MAX_ROWS,
            "max_columns": settings.CREDIT_UPLOAD_MAX_COLUMNS,
            "max_cells": settings.CREDIT_XLSX_MAX_CELLS,
            "max_sheet_mb": settings.CREDIT_XLSX_MAX_SHEET_MB,
            "max_ratio": settings.CREDIT_XLSX_MAX_RATIO,
            "max_entries": settings.CREDIT_XLSX_MAX_ENTRIES,
            "memory_mb": settings.CREDIT_XLSX_READER_MEMORY_MB,
            "cpu_seconds": settings.CREDIT_XLSX_READER_SECONDS,
        }
        values.update(overrides)
        return cls(**values)

    def as_args(self) -> list[str]:
        return [f"{k}={v}" for k, v in asdict(self).items()]

    @classmethod
    def from_args(cls, args: list[str]) -> Limits:
        names = {f.name for f in fields(cls)}
        values = {}
        for arg in args:
            key, _, value = arg.partition("=")
            if key in names:
                values[key] = int(value)
        return cls(**values)


@dataclass
class Shape:
    """What the inspection found out about the first sheet."""

    sheet_part: str = ""
    declared: str = ""  # the <dimension ref=...> as written
    max_row: int = 0  # largest row found that matters for a limit (0: none above it)
    max_column: int = 0
    rows: int = 0  # <row> elements
    cells: int = 0  # <c> elements
    sheet_bytes: int = 0
    exact: bool = False  # every reference parsed (not only those near a limit)


def refuse(message: str) -> FileProblem:
    return FileProblem([Problem(errors.FILE_LIMIT, message)])


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - 64)
    return number


def column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _above(name: str) -> str:
    """A regex matching column letters that come after `name` (longer, or equal length and
    later in the alphabet): such references are rare in an acceptable file, so the scan
    looks at few matches."""
    options = [f"[A-Z]{{{len(name) + 1},}}"]
    for i, char in enumerate(name):
        if char != "Z":
            rest = len(name) - i - 1
            options.append(
                name[:i] + f"[{chr(ord(char) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else "")
            )
    return "|".join(options)


def _fmt(n: int) -> str:
    return f"{n:,}"


def inspect_xlsx(path: Path, limits: Limits) -> Shape:
    """Raise FileProblem unless `path` is an XLSX workbook within `limits`."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(
            [
                Problem(
                    errors.FILE_UNREADABLE,
                    "文件不是有效的 Excel 工作簿（XLSX 文件应为 ZIP 格式），请在 Excel 中另存为 XLSX 或 CSV",
                )
            ]
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise refuse(
                f"Excel 文件包含 {_fmt(len(infos))} 个内部部件，超过上限 {_fmt(limits.max_entries)} 个，"
                "不像正常的工作簿"
            )
        sheet_limit = limits.max_sheet_mb << 20
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > RATIO_FLOOR and (
                info.file_size > max(info.compress_size, 1) * limits.max_ratio
            ):
                raise refuse(
                    f"Excel 文件压缩比异常（内部部件 {info.filename[:60]} 解压后是压缩时的 "
                    f"{info.file_size // max(info.compress_size, 1):,} 倍，上限 {limits.max_ratio} 倍），"
                    "可能是恶意构造的文件"
                )
        if total > 2 * sheet_limit:
            raise refuse(
                f"Excel 文件解压后共 {total >> 20:,} MB，超过上限 {2 * limits.max_sheet_mb:,} MB"
            )
        part = _first_sheet(archive)
        if part is None:
            raise FileProblem([Problem(errors.FILE_UNREADABLE, "Excel 文件中没有工作表")])
        info = archive.getinfo(part)
        if info.file_size > sheet_limit:
            raise refuse(
                f"工作表解压后 {info.file_size >> 20:,} MB，超过上限 {limits.max_sheet_mb:,} MB，"
                "请拆分为多个文件上传"
            )
        shape = _scan(archive, part, limits)
    _check(shape, limits)
    return shape


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part of the first sheet in workbook order: the sheet the reader opens."""
    names = set(archive.namelist())
    try:
        workbook = _small_xml(archive, "xl/workbook.xml")
        rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    except (KeyError, ElementTree.ParseError):
        workbook = rels = None
    if workbook is not None and rels is not None:
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in rels.iter()
            if rel.tag.endswith("Relationship")
        }
        for sheet in workbook.iter():
            if sheet.tag.endswith("}sheet") or sheet.tag == "sheet":
                rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
                target = targets.get(rid, "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                part = re.sub(r"[^/]+/\.\./", "", part)
                if part in names:
                    return part
                break
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return sheets[0] if sheets else None


def _small_xml(archive: zipfile.ZipFile, name: str):
    info = archive.getinfo(name)
    if info.file_size > SMALL_PART:
        raise refuse(
            f"Excel 文件的部件 {name} 过大（{info.file_size >> 20:,} MB），不像正常的工作簿"
        )
    with archive.open(info) as fh:
        return ElementTree.fromstring(fh.read(SMALL_PART + 1))


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?\bref="([^"]{1,40})"')
_REF = re.compile(r"^\$?([A-Z]{1,4})\$?(\d{1,8})$")
# A standard writer (Excel, WPS, openpyxl, LibreOffice) puts r first on every row and cell,
# with no namespace prefix. Anything else is scanned exactly, more slowly.
_PREFIXED_ROOT = re.compile(rb"<\w+:worksheet[\s>]")


def _scan(archive: zipfile.ZipFile, part: str, limits: Limits) -> Shape:
    shape = Shape(sheet_part=part, sheet_bytes=archive.getinfo(part).file_size)
    row_digits = len(str(limits.max_rows))
    near_limit = re.compile(
        rb'\sr="(?:(' + _above(column_name(limits.max_columns)).encode() + rb")\d*"
        rb"|([A-Z]*)(\d{" + str(row_digits).encode() + rb',})")'
    )
    standard = True
    carry = b""
    with archive.open(part) as fh:
        head = True
        while block := fh.read(CHUNK):
            # Cut at the last "<" so that no tag straddles two chunks: counts and matches
            # then see every tag exactly once.
            data = carry + block
            cut = data.rfind(b"<")
            chunk, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            if head:
                head = False
                found = _DIMENSION.search(chunk[:HEAD_BYTES])
                if found:
                    shape.declared = found[1].decode("ascii", "replace")
                    _check_declared(shape.declared, limits)
                if _PREFIXED_ROOT.search(chunk[:HEAD_BYTES]):
                    standard = False
                    break
            if not _count(shape, chunk):
                standard = False
                break
            _near_limit(shape, near_limit, chunk)
            _check(shape, limits)
        if standard and carry:
            standard = _count(shape, carry)
            _near_limit(shape, near_limit, carry)
    if not standard:
        return _scan_exactly(archive, part, limits, shape)
    # Rows without gaps: the last row number is at least the number of <row> elements.
    shape.max_row = max(shape.max_row, shape.rows)
    return shape


_ODD_TAG = re.compile(rb"<(?:c|row)[>/\t\r\n]")


def _count(shape: Shape, chunk: bytes) -> bool:
    """Count rows and cells; False when one lacks a leading r (then positions are implicit
    and only the exact scan can tell where cells land). A few C-speed scans per chunk."""
    rows, cells = chunk.count(b"<row "), chunk.count(b"<c ")
    if rows != chunk.count(b'<row r="') or cells != chunk.count(b'<c r="'):
        return False
    if _ODD_TAG.search(chunk):
        return False
    shape.rows += rows
    shape.cells += cells
    return True


def _near_limit(shape: Shape, pattern: re.Pattern, chunk: bytes) -> None:
    for match in pattern.finditer(chunk):
        if match[1]:
            shape.max_column = max(shape.max_column, column_number(match[1].decode()))
        else:
            shape.max_row = max(shape.max_row, int(match[3]))
            if match[2]:
                shape.max_column = max(shape.max_column, column_number(match[2].decode()))


def _check_declared(ref: str, limits: Limits) -> None:
    last = ref.split(":")[-1].strip().upper()
    match = _REF.match(last)
    if not match:
        return  # an unreadable declaration is ignored; the scan finds the real extent
    rows, columns = int(match[2]), column_number(match[1])
    _check_extent(rows, columns, limits, declared=True)


def _check_extent(rows: int, columns: int, limits: Limits, declared: bool = False) -> None:
    where = "工作表声明的范围" if declared else "工作表"
    if rows > limits.max_rows:
        raise refuse(
            f"{where}有 {_fmt(rows)} 行（含表头），超过上限 {_fmt(limits.max_rows)} 行，"
            "请删除多余的行或拆分为多个文件上传"
        )
    if columns > limits.max_columns:
        raise refuse(
            f"{where}有 {_fmt(columns)} 列（到第 {column_name(columns)} 列），超过上限 "
            f"{_fmt(limits.max_columns)} 列，请删除多余的列"
        )
    if rows * columns > limits.max_cells:
        raise refuse(
            f"{where}有 {_fmt(rows)} 行 × {_fmt(columns)} 列，单元格数超过上限 "
            f"{_fmt(limits.max_cells)} 个，请拆分为多个文件上传"
        )


def _check(shape: Shape, limits: Limits) -> None:
    _check_extent(max(shape.max_row, shape.rows), 0, limits)
    _check_extent(0, shape.max_column, limits)
    if shape.exact:
        _check_extent(shape.max_row, shape.max_column, limits)
    if shape.cells > limits.max_cells:
        raise refuse(
            f"工作表有 {_fmt(shape.cells)} 个单元格，超过上限 {_fmt(limits.max_cells)} 个，"
            "请拆分为多个文件上传"
        )


def _scan_exactly(archive: zipfile.ZipFile, part: str, limits: Limits, shape: Shape) -> Shape:
    """Every row and cell, positioned as the reader positions them (a cell without r is the
    next column, a row without r the next row), with an expat parser fed in chunks."""
    state = {"row": 0, "col": 0}
    shape.rows = shape.cells = 0
    shape.max_row = shape.max_column = 0
    shape.exact = True

    def start(name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            shape.rows += 1
            ref = attrs.get("r")
            state["row"] = int(ref) if ref and ref.isdigit() else state["row"] + 1
            state["col"] = 0
            shape.max_row = max(shape.max_row, state["row"])
        elif local == "c":
            shape.cells += 1
            match = _REF.match(attrs.get("r", "") or "")
            if match:
                state["col"] = column_number(match[1])
                shape.max_row = max(shape.max_row, int(match[2]))
            else:
                state["col"] += 1
            shape.max_column = max(shape.max_column, state["col"])

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    with archive.open(part) as fh:
        try:
            while chunk := fh.read(CHUNK):
                parser.Parse(chunk, False)
                _check(shape, limits)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise FileProblem(
                [
                    Problem(
                        errors.FILE_UNREADABLE,
                        "Excel 工作表内容损坏，无法读取，请在 Excel 中另存后重新上传",
                    )
                ]
            ) from exc
    return shape
