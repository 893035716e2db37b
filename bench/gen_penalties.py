"""Generates a penalty CSV shaped like real departmental files (valid codes, ~1 KB rows).

Usage: python bench/gen_penalties.py OUT.csv ROWS [--subjects N] [--encoding gb18030]
Deterministic for the same arguments.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from credit.core.identifiers import make_id_number, make_uscc  # noqa: E402

AUTHORITY = ("本溪市市场监督管理局", "11210500MB1544202W")
DISTRICTS = ["210502", "210503", "210504", "210505", "210521", "210522"]
HEADER = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码_1（统一社会信用代码）",
    "行政相对人代码_2（工商注册号）",
    "行政相对人代码_3（组织机构代码）",
    "法定代表人",
    "证件类型",
    "证件号码",
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "没收违法所得、没收非法财物的金额（万元）",
    "处罚决定日期",
    "处罚有效期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "暂扣或吊销证照名称及编号",
    "公示截止期",
    "备注",
    "失信严重程度",
]
# Penalty decisions publish the facts, the basis and the content in full; real rows are
# about 1 KB (the size the raw-COPY yardstick refers to). These texts make each
# generated row about 1.2 KB in GB18030.
FACTS = (
    "经查，当事人在其经营场所内销售的散装食品经本局委托的检验机构抽样检验，检验结论为不合格，"
    "不合格项目为菌落总数，货值金额较小。当事人未建立食品进货查验记录制度，现场不能提供供货者的"
    "许可证、产品合格证明文件及进货票据，亦未按规定查验、记录食品的名称、规格、数量、生产日期、"
    "保质期、进货日期以及供货者名称、地址、联系方式等内容。执法人员于检查当日依法对上述食品予以"
    "扣押，并责令当事人立即停止销售、召回已售出的同批次食品。当事人在调查过程中能够如实陈述违法"
    "事实，主动配合调查取证，积极采取措施消除违法行为危害后果，系初次违法，情节一般。上述行为"
    "违反了《中华人民共和国食品安全法》第三十四条第（二）项、第五十三条第二款的规定。"
)
BASIS = (
    "《中华人民共和国食品安全法》第一百二十四条第一款第（一）项、第一百二十六条第一款第（三）项；"
    "《中华人民共和国行政处罚法》第三十二条第（一）项；《辽宁省市场监督管理行政处罚裁量权基准》"
)


def subject(i: int, rng: random.Random) -> tuple:
    if i % 10 == 9:  # one in ten is a natural person
        body = f"{rng.choice(DISTRICTS)}19{60 + i % 40:02d}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        return (f"李{i % 9973}", "自然人", "", "身份证", make_id_number(body))
    kind = "个体工商户" if i % 10 == 8 else "法人及非法人组织"
    category = "2" if kind == "个体工商户" else "1"
    body = f"9{category}{rng.choice(DISTRICTS)}MA{i:07d}"
    return (f"本溪市第{i}号商贸有限公司", kind, make_uscc(body), "", "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("rows", type=int)
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--encoding", default="gb18030")
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    subjects = [subject(i, rng) for i in range(args.subjects)]
    today = dt.date.today()
    with open(args.out, "w", encoding=args.encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for n in range(args.rows):
            name, kind, uscc, id_type, id_no = subjects[rng.randrange(args.subjects)]
            decided = today - dt.timedelta(days=rng.randrange(3, 1000))
            fine = rng.choice(["0.2", "0.5", "1", "3.5", "10"])
            writer.writerow(
                [
                    name,
                    kind,
                    uscc,
                    "",
                    "",
                    "" if kind == "自然人" else "王某",
                    id_type,
                    id_no,
                    f"本市监罚〔{decided.year}〕{n + 1}号",
                    "销售不合格食品、未履行进货查验义务",
                    FACTS,
                    BASIS,
                    "警告;罚款",
                    f"警告；罚款人民币{fine}万元，并没收不合格食品；责令改正违法行为并在规定期限内完成整改",
                    fine,
                    "",
                    decided.strftime("%Y/%m/%d"),
                    (decided + dt.timedelta(days=365)).strftime("%Y/%m/%d"),
                    AUTHORITY[0],
                    AUTHORITY[1],
                    AUTHORITY[0],
                    AUTHORITY[1],
                    "",
                    (decided + dt.timedelta(days=1095)).strftime("%Y/%m/%d"),
                    "当事人已于规定期限内缴纳罚款并完成整改，经复查符合要求。",
                    rng.choice(["一般", "一般", "严重", "轻微"]),
                ]
            )


if __name__ == "__main__":
    main()
