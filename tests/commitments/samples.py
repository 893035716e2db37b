"""Commitment rows as departments send them (keyed by Chinese label)."""

from __future__ import annotations

import datetime as dt

from tests.collection.samples import SCJG_NAME, SCJG_USCC, company_uscc


def code_for(day: dt.date, serial: int, region: str = "210500") -> str:
    return f"{region}{day:%Y%m%d}{serial:06d}"


def commitment_row(n: int, *, made: dt.date | None = None, **over) -> dict[str, str]:
    made = made or dt.date.today() - dt.timedelta(days=3)
    row = {
        "承诺主体名称": f"本溪市承诺测试有限公司{n}",
        "承诺主体类别": "法人及非法人组织",
        "统一社会信用代码": company_uscc(700 + n),
        "法定代表人（负责人）": "李四",
        "承诺编码": code_for(made, n),
        "承诺类型": "审批替代型",
        "承诺日期": made.strftime("%Y/%m/%d"),
        "受理单位": SCJG_NAME,
        "受理单位统一社会信用代码": SCJG_USCC,
        "承诺事由": "申请食品经营许可，以承诺替代场所证明材料",
        "承诺内容": "本单位承诺所提交材料真实有效，如有虚假愿承担相应法律责任。",
        "承诺事项": "食品经营许可",
        "核查期限": (made + dt.timedelta(days=30)).strftime("%Y/%m/%d"),
        "数据来源单位": SCJG_NAME,
        "数据来源单位统一社会信用代码": SCJG_USCC,
    }
    row.update(over)
    return row
