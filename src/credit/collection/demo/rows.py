"""Licence and penalty rows for the demo, keyed by the catalog's Chinese labels."""

from __future__ import annotations

import datetime as dt
import random

from credit.collection.demo.generate import DemoSubject

LICENCES = {
    "本溪市市场监督管理局": [
        ("食品经营许可证", "食品经营许可", "核准"),
        ("特种设备使用登记证", "特种设备使用登记", "登记"),
    ],
    "本溪市住房和城乡建设局": [
        ("建筑工程施工许可证", "建筑工程施工许可", "普通"),
        ("建筑业企业资质证书", "建筑业企业资质核准", "认可"),
    ],
    "本溪市交通运输局": [("道路运输经营许可证", "道路货物运输经营许可", "普通")],
    "本溪市卫生健康委员会": [
        ("公共场所卫生许可证", "公共场所卫生许可", "普通"),
        ("医疗机构执业许可证", "医疗机构执业登记", "登记"),
    ],
    "本溪市应急管理局": [("危险化学品经营许可证", "危险化学品经营许可", "普通")],
    "本溪市生态环境局": [("排污许可证", "排污许可", "普通")],
    "本溪市人力资源和社会保障局": [("劳务派遣经营许可证", "劳务派遣经营许可", "普通")],
}
PENALTIES = {
    "本溪市市场监督管理局": (
        "本市监罚",
        "违反《中华人民共和国食品安全法》",
        "《中华人民共和国食品安全法》第一百二十四条",
        "经营不符合食品安全标准的食品",
    ),
    "本溪市生态环境局": (
        "本环罚",
        "违反《中华人民共和国大气污染防治法》",
        "《中华人民共和国大气污染防治法》第一百零八条",
        "未采取有效措施防止扬尘污染",
    ),
    "本溪市住房和城乡建设局": (
        "本住建罚",
        "违反《建设工程质量管理条例》",
        "《建设工程质量管理条例》第六十四条",
        "施工单位未按照工程设计图纸施工",
    ),
    "本溪市交通运输局": (
        "本交罚",
        "违反《中华人民共和国道路运输条例》",
        "《中华人民共和国道路运输条例》第六十三条",
        "未取得道路运输经营许可擅自从事道路运输经营",
    ),
    "本溪市应急管理局": (
        "本应急罚",
        "违反《中华人民共和国安全生产法》",
        "《中华人民共和国安全生产法》第九十七条",
        "未按照规定对从业人员进行安全生产教育和培训",
    ),
    "本溪市卫生健康委员会": (
        "本卫罚",
        "违反《公共场所卫生管理条例》",
        "《公共场所卫生管理条例实施细则》第三十六条",
        "未按照规定对公共场所进行卫生检测",
    ),
    "本溪市人力资源和社会保障局": (
        "本人社罚",
        "违反《保障农民工工资支付条例》",
        "《保障农民工工资支付条例》第五十五条",
        "未按照规定开设农民工工资专用账户",
    ),
    "国家税务总局本溪市税务局": (
        "本税罚",
        "违反《中华人民共和国税收征收管理法》",
        "《中华人民共和国税收征收管理法》第六十条",
        "未按照规定期限办理纳税申报",
    ),
}
PENALTY_KINDS = [
    ("警告", "警告", None, "轻微"),
    ("警告;罚款", "警告并处罚款{fine}元", None, "一般"),
    ("罚款", "罚款{fine}元", None, "一般"),
    ("罚款;没收违法所得、没收非法财物", "没收违法所得并处罚款{fine}元", None, "一般"),
    ("责令停产停业;罚款", "责令停产停业整顿并处罚款{fine}元", None, "严重"),
    ("暂扣或者吊销许可证、暂扣或者吊销执照", "吊销许可证", None, "严重"),
]


def _fmt(day: dt.date) -> str:
    return day.strftime("%Y/%m/%d")


def _subject_columns(subject: DemoSubject, prefix_legal: bool = True) -> dict[str, str]:
    row = {
        "行政相对人名称": subject.name,
        "行政相对人类别": subject.kind,
        "行政相对人代码_1（统一社会信用代码）": subject.uscc,
        "法定代表人": subject.legal_rep,
        "证件类型": "身份证" if subject.kind == "自然人" else "",
        "证件号码": subject.id_number,
    }
    return row


def licence_row(
    n: int, subject: DemoSubject, department: tuple[str, str], decided: dt.date, rng: random.Random
) -> dict[str, str]:
    name, uscc = department
    certificate, content, category = rng.choice(LICENCES[name])
    long_term = rng.random() < 0.15
    valid_to = (
        dt.date(2099, 12, 31)
        if long_term
        else decided + dt.timedelta(days=365 * rng.choice((1, 3, 5)))
    )
    row = _subject_columns(subject)
    row.update(
        {
            "行政许可决定文书名称": f"准予{content}决定书",
            "行政许可决定文书号": f"{name[2:4]}许〔{decided.year}〕{n:05d}号",
            "许可类别": category,
            "许可证书名称": certificate,
            "许可编号": f"BX{decided.year}{n:06d}",
            "许可内容": f"{content}：{subject.trade[1]}",
            "许可决定日期": _fmt(decided),
            "有效期自": _fmt(decided),
            "有效期至": _fmt(valid_to),
            "许可机关": name,
            "许可机关统一社会信用代码": uscc,
            "当前状态": "2" if rng.random() < 0.03 else "1",
            "数据来源单位": name,
            "数据来源单位统一社会信用代码": uscc,
            "备注": "",
        }
    )
    return row


def penalty_row(
    n: int, subject: DemoSubject, department: tuple[str, str], decided: dt.date, rng: random.Random
) -> dict[str, str]:
    name, uscc = department
    prefix, behaviour, basis, fact = PENALTIES[name]
    kinds, content, _, severity = rng.choice(PENALTY_KINDS)
    fine = rng.choice((2000, 5000, 10000, 30000, 50000, 200000))
    row = _subject_columns(subject)
    row.update(
        {
            "行政处罚决定书文号": f"{prefix}〔{decided.year}〕{n}号",
            "违法行为类型": behaviour,
            "违法事实": f"经查，当事人{fact}，违反了相关规定。",
            "处罚依据": basis,
            "处罚类别": kinds,
            "处罚内容": content.format(fine=fine),
            "罚款金额（万元）": f"{fine / 10000:g}" if "罚款" in kinds else "",
            "处罚决定日期": _fmt(decided),
            "处罚有效期": _fmt(decided + dt.timedelta(days=365)),
            "处罚机关": name,
            "处罚机关统一社会信用代码": uscc,
            "数据来源单位": name,
            "数据来源单位统一社会信用代码": uscc,
            "备注": "",
            "失信严重程度": severity,
        }
    )
    return row
