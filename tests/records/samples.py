"""Licence rows as departments send them (penalty rows come from the collection tests)."""

from __future__ import annotations

import datetime as dt

from tests.collection.samples import SCJG_NAME, SCJG_USCC, company_uscc


def licence_row(
    n: int, *, decided: dt.date, until: dt.date, state: str = "1", **overrides
) -> dict[str, str]:
    row = {
        "行政相对人名称": f"本溪市测试许可有限公司{n}",
        "行政相对人类别": "法人及非法人组织",
        "行政相对人代码_1（统一社会信用代码）": company_uscc(500 + n),
        "法定代表人": "李四",
        "行政许可决定文书名称": "食品经营许可决定书",
        "行政许可决定文书号": f"本市监许〔2026〕{n}号",
        "许可类别": "普通",
        "许可内容": "预包装食品销售",
        "许可决定日期": decided.strftime("%Y/%m/%d"),
        "有效期自": decided.strftime("%Y/%m/%d"),
        "有效期至": until.strftime("%Y/%m/%d"),
        "许可机关": SCJG_NAME,
        "许可机关统一社会信用代码": SCJG_USCC,
        "当前状态": state,
        "数据来源单位": SCJG_NAME,
        "数据来源单位统一社会信用代码": SCJG_USCC,
    }
    row.update(overrides)
    return row
