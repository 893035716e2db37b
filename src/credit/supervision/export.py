"""A draw as an Excel workbook: the draw's facts, the counts per grade, then each drawn
subject with its name, USCC, grade, score and reasons. Every value goes through
`core.spreadsheet_safe` (subject names are what departments sent)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone

from credit.core import spreadsheet_safe
from credit.core.actors import Actor
from credit.supervision.models import Population, SampleDraw, Stratum
from credit.supervision.sampling import STRATA, percent

COLUMNS = (
    "序号",
    "主体名称",
    "统一社会信用代码",
    "信用等级",
    "评价得分",
    "等级生效日",
    "评价模型版本",
    "评价理由",
)
WIDTHS = (7, 36, 22, 10, 10, 12, 14, 80)


def filename(record: SampleDraw) -> str:
    day = timezone.localtime(record.created_at).strftime("%Y%m%d")
    return f"双随机抽查_{record.pk}_{day}.xlsx"


def stratum_rows(record: SampleDraw) -> list[dict]:
    """Per stratum: label, population, drawn, ratio (as stored with the draw)."""
    rows = []
    for stratum in STRATA:
        counts = record.counts.get(stratum, {})
        rows.append(
            {
                "stratum": stratum,
                "label": Stratum(stratum).label,
                "population": counts.get("population", 0),
                "drawn": counts.get("drawn", 0),
                "ratio": percent(record.ratios.get(stratum, "0")),
            }
        )
    return rows


def workbook_bytes(actor: Actor, record: SampleDraw) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("抽查结果")
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    bold = Font(bold=True)

    def cell(value, font=None):
        return spreadsheet_safe.xlsx_value(sheet, value, font)

    now = timezone.localtime()
    header = (
        ("抽查编号", f"#{record.pk}"),
        ("抽查部门", record.department.name),
        ("抽查范围", Population(record.population).label),
        ("范围说明", record.population_note),
        ("随机种子", record.seed),
        ("取整规则", record.rounding),
        ("抽取人", record.actor_label),
        (
            "抽取时间",
            timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）",
        ),
        ("导出", f"{actor.label} 于 {now:%Y-%m-%d %H:%M:%S}（北京时间）导出"),
    )
    for label, value in header:
        sheet.append([cell(label, bold), cell(value)])
    sheet.append([])
    sheet.append([cell(t, bold) for t in ("信用等级", "抽查比例", "范围内主体数", "抽中主体数")])
    for row in stratum_rows(record):
        sheet.append([cell(row["label"]), cell(row["ratio"]), row["population"], row["drawn"]])
    sheet.append([cell("合计", bold), None, record.population_size, record.drawn_size])
    sheet.append([])
    sheet.append([cell(t, bold) for t in COLUMNS])
    for item in record.drawn.order_by("position"):
        sheet.append(
            [
                item.position,
                cell(item.subject_name),
                cell(item.subject_uscc or "—"),
                cell(Stratum(item.stratum).label),
                float(item.score) if item.score is not None else None,
                cell(item.valid_from.isoformat() if item.valid_from else ""),
                cell(item.model_version),
                cell("；".join(item.reasons)),
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
