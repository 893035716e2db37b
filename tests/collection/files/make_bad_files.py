"""The bad-file corpus: files that once took the platform down or amplified into gigabytes.

Each function writes one file and returns its path. Workbooks are assembled by hand from
their XML parts (the way an attacker would), so a file is as small as the attack allows:
the sparse bomb is about 1 KB. The tests generate them into a temporary directory; a few
tiny ones are also committed next to this script (regenerate them with
`python tests/collection/files/make_bad_files.py tests/collection/files`).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

PENALTY_HEADER = ["行政相对人名称", "行政相对人类别", "行政处罚决定书文号"]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row(number: int, values: list[str], first_column: int = 1) -> str:
    cells = "".join(
        cell(f"{column_name(first_column + i)}{number}", v) for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str, dimension: str | None = None, padding: bytes | str = "") -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{declared}<sheetData>{rows}</sheetData>{padding}</worksheet>"
    )


def workbook(path: Path, sheet: str) -> Path:
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            # A fixed date: the same script writes the same bytes as the committed copies.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text, compresslevel=9)
    return path


def sparse_bomb(path: Path, last: str = "XFD1048576") -> Path:
    """A header row and one cell at the last position Excel allows: the reader would
    allocate rows × columns cells (~550 GB for XFD1048576)."""
    rows = row(1, PENALTY_HEADER) + f'<row r="{last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
    rows += cell(last, "x") + "</row>"
    return workbook(path, sheet_xml(rows, f"A1:{last}"))


def lying_dimension(path: Path) -> Path:
    """Declares A1:C2 but has a cell at XFD1048576: only a scan of the cells finds it."""
    rows = row(1, PENALTY_HEADER) + row(2, ["本溪市测试商贸有限公司", "法人及非法人组织", "x"])
    rows += '<row r="1048576">' + cell("XFD1048576", "x") + "</row>"
    return workbook(path, sheet_xml(rows, "A1:C2"))


def dense(path: Path, rows: int, columns: int = 3) -> Path:
    """A plain workbook of `rows` data rows: past a row limit by its size alone."""
    parts = [row(1, PENALTY_HEADER + [f"列{i}" for i in range(4, columns + 1)])]
    parts += [row(n, [f"{n}-{c}" for c in range(columns)]) for n in range(2, rows + 2)]
    return workbook(path, sheet_xml("".join(parts), f"A1:{column_name(columns)}{rows + 1}"))


def ratio_bomb(path: Path, megabytes: int = 20) -> Path:
    """A sheet padded with megabytes of whitespace, which deflate packs ~1000:1."""
    rows = row(1, PENALTY_HEADER)
    return workbook(path, sheet_xml(rows, "A1:C1", padding=" " * (megabytes << 20)))


def empty_workbook(path: Path) -> Path:
    return workbook(path, sheet_xml("", None))


def not_a_zip(path: Path) -> Path:
    path.write_bytes("这不是 Excel 文件，只是改了扩展名的文本。\n".encode() * 20)
    return path


def wide_csv(path: Path, columns: int = 10_000) -> Path:
    header = ",".join(f"列{i}" for i in range(1, columns + 1))
    path.write_text(header + "\n" + ",".join("x" for _ in range(columns)) + "\n", encoding="utf-8")
    return path


def huge_cell_csv(path: Path, header: list[str] | None = None, megabytes: int = 3) -> Path:
    """A CSV whose second row has one field of `megabytes` MB (in the second column)."""
    if header is None:  # a complete penalty header, so that the rows are read
        from tests.collection.samples import penalty_row

        header = list(penalty_row(1))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\r\n")
        values = ["x"] * len(header)
        values[1] = "甲" * (megabytes << 20)
        fh.write(",".join(values) + "\r\n")
    return path


# name → (maker, file name): everything `write_all` produces.
CORPUS = {
    "sparse_bomb": (sparse_bomb, "sparse_bomb.xlsx"),
    "lying_dimension": (lying_dimension, "lying_dimension.xlsx"),
    "dense": (lambda p: dense(p, 1_500), "dense.xlsx"),
    "ratio_bomb": (ratio_bomb, "ratio_bomb.xlsx"),
    "empty_workbook": (empty_workbook, "empty_workbook.xlsx"),
    "not_a_zip": (not_a_zip, "not_a_zip.xlsx"),
    "wide_csv": (wide_csv, "wide.csv"),
    "huge_cell_csv": (huge_cell_csv, "huge_cell.csv"),
}
# Small enough to keep in the repository (a few KB each).
COMMITTED = ("sparse_bomb", "lying_dimension", "empty_workbook", "not_a_zip")


def write_all(directory: Path, names=None) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return {
        name: maker(directory / filename)
        for name, (maker, filename) in CORPUS.items()
        if names is None or name in names
    }


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    for name, path in write_all(target, COMMITTED).items():
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
