"""Building penalty/licence rows and writing them as departments send them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from credit.core.identifiers import make_id_number, make_uscc

SCJG_USCC = "11210500MB1544202W"
SCJG_NAME = "本溪市市场监督管理局"


def company_uscc(n: int) -> str:
    return make_uscc(f"91210502MA{n:07d}")


def person_id(n: int) -> str:
    return make_id_number(f"21050219{80 + n % 20:02d}0{1 + n % 9}1{n % 10}{n % 7}{n % 10}{n % 3}")


def penalty_row(n: int, *, decided: dt.date | None = None, **overrides) -> dict[str, str]:
    """A valid penalty row keyed by Chinese label."""
    decided = decided or dt.date.today() - dt.timedelta(days=3)
    row = {
        "行政相对人名称": f"本溪市测试商贸有限公司{n}",
        "行政相对人类别": "法人及非法人组织",
        "行政相对人代码_1（统一社会信用代码）": company_uscc(n),
        "法定代表人": "张三",
        "行政处罚决定书文号": f"本市监罚〔2026〕{n}号",
        "违法行为类型": "违反产品质量法",
        "违法事实": "销售不合格产品",
        "处罚依据": "《中华人民共和国产品质量法》第四十九条",
        "处罚类别": "警告;罚款",
        "处罚内容": "警告并处罚款2000元",
        "罚款金额（万元）": "0.2",
        "处罚决定日期": decided.strftime("%Y/%m/%d"),
        "处罚有效期": (decided + dt.timedelta(days=365)).strftime("%Y/%m/%d"),
        "处罚机关": SCJG_NAME,
        "处罚机关统一社会信用代码": SCJG_USCC,
        "数据来源单位": SCJG_NAME,
        "数据来源单位统一社会信用代码": SCJG_USCC,
        "失信严重程度": "一般",
    }
    row.update(overrides)
    return row


def person_penalty_row(n: int, **overrides) -> dict[str, str]:
    row = penalty_row(n, **overrides)
    row.update(
        {
            "行政相对人名称": f"王{n}",
            "行政相对人类别": "自然人",
            "行政相对人代码_1（统一社会信用代码）": "",
            "法定代表人": "",
            "证件类型": "身份证",
            "证件号码": person_id(n),
        }
    )
    row.update(overrides)
    return row


def write_csv(path: Path, rows: list[dict], encoding: str = "gb18030") -> Path:
    header = list(rows[0])
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
    return path


def write_xlsx(path: Path, rows: list[dict], header_map: dict[str, str] | None = None) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    header = list(rows[0])
    sheet.append([header_map.get(h, h) if header_map else h for h in header])
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    workbook.save(path)
    return path
