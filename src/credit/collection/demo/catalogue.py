"""Rows of the national catalogue datasets for the demo (registration, abnormal operation,
enforcement, honours, evaluation results, court rulings), keyed by the catalog's Chinese
labels and consistent with the demo subjects (generate.subjects).

Every builder returns `{(department name, dataset code, received day): [rows]}`: the seed
imports each group as one batch received on that day, through the real pipeline.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable

from credit.collection.demo.generate import DISTRICTS, DemoSubject
from credit.core.identifiers import make_uscc
from credit.core.periods import add_months

SCJG = "本溪市市场监督管理局"
TAX = "国家税务总局本溪市税务局"
ECOLOGY = "本溪市生态环境局"
EMERGENCY = "本溪市应急管理局"
HRSS = "本溪市人力资源和社会保障局"
HOUSING = "本溪市住房和城乡建设局"

Plan = dict[tuple[str, str, dt.date], list[dict[str, str]]]
WorkdaysBack = Callable[[dt.date, int], dt.date]

# Courts are not city departments: their USCCs are made up for the demo (valid check digit).
# (name, USCC, the court's code in case numbers)
COURTS = [
    ("本溪市中级人民法院", make_uscc("11210500001187000"), "辽05"),
    ("本溪市平山区人民法院", make_uscc("11210502001187100"), "辽0502"),
    ("本溪市溪湖区人民法院", make_uscc("11210503001187200"), "辽0503"),
    ("本溪满族自治县人民法院", make_uscc("11210521001187300"), "辽0521"),
]

ENTITY_TYPES = {"有限公司": "有限责任公司", "有限责任公司": "有限责任公司"}
ABNORMAL_REASONS = [
    ("未按规定公示年度报告", "补报未报年份的年度报告并公示"),
    ("通过登记的住所或经营场所无法联系", "依法办理住所变更登记，恢复正常记载状态"),
    ("公示信息隐瞒真实情况、弄虚作假", "更正其公示的信息"),
    ("未在责令期限内公示有关信息", "补报了未公示的有关信息"),
]
TAX_GRADES = [("A", 15), ("B", 50), ("M", 20), ("C", 10), ("D", 5)]
ENV_GRADES = ["环保诚信企业", "环保良好企业", "环保警示企业", "环保不良企业"]
ENFORCEMENTS = {
    SCJG: (
        "本市监强",
        "行政强制措施",
        ["查封", "扣押"],
        "涉嫌生产、销售不符合食品安全标准的食品",
        "《中华人民共和国食品安全法》第一百一十条",
        "查封涉嫌违法的食品及生产经营场所",
    ),
    ECOLOGY: (
        "本环强",
        "行政强制措施",
        ["查封", "扣押"],
        "违法排放污染物，造成或者可能造成严重污染",
        "《中华人民共和国环境保护法》第二十五条",
        "查封造成污染物排放的设施、设备",
    ),
    EMERGENCY: (
        "本应急强",
        "行政强制措施",
        ["查封", "扣押"],
        "存在重大事故隐患且拒不执行停产停业决定",
        "《中华人民共和国安全生产法》第六十五条",
        "查封违法生产、储存的危险物品及场所",
    ),
    TAX: (
        "本税强",
        "行政强制执行",
        ["划拨存款汇款", "加处罚款或滞纳金"],
        "逾期未缴纳税款，经催告仍不缴纳",
        "《中华人民共和国税收征收管理法》第四十条",
        "从其存款中扣缴税款及滞纳金",
    ),
}
HONOURS = {
    SCJG: [("守合同重信用企业", "市级"), ("辽宁省守合同重信用企业", "省级")],
    HRSS: [("劳动保障诚信示范单位", "市级")],
    TAX: [("纳税信用示范企业", "市级")],
    HOUSING: [("建筑业诚信企业", "市级")],
}


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%Y/%m/%d") if day else ""


def _registrable(people: list[DemoSubject]) -> list[DemoSubject]:
    return [s for s in people if s.kind != "自然人" and s.uscc]


def _entity_type(subject: DemoSubject) -> str:
    if subject.kind == "个体工商户":
        return "个体工商户"
    if subject.name.endswith("股份有限公司"):
        return "股份有限公司"
    return "有限责任公司"


def registration_rows(
    people, departments, periods, today: dt.date, rng: random.Random, back: WorkdaysBack
) -> Plan:
    """Registrations of most organisations and sole traders, a few deregistered or revoked
    later (a second version of their registration), and some legal representatives
    changed (history)."""
    plan: Plan = defaultdict(list)
    scjg = departments[SCJG]
    # First versions before the last year; later versions (changes) within it, so the two
    # never share a batch (one key twice in a file is refused).
    split = max(1, len(periods) - 24)
    earlier, recent = periods[:split], periods[split:] or periods[-1:]
    for subject in _registrable(people):
        if rng.random() < 0.12:  # not every subject's registration reached the platform
            continue
        period = earlier[rng.randrange(len(earlier))]
        approved = back(period, rng.randint(1, 7))
        established = approved - dt.timedelta(days=rng.randint(0, 365 * 15))
        sole = subject.kind == "个体工商户"
        row = {
            "主体名称": subject.name,
            "主体类别": subject.kind,
            "统一社会信用代码": subject.uscc,
            "主体类型": _entity_type(subject),
            "法定代表人/负责人/经营者": subject.legal_rep,
            "成立日期": _fmt(established),
            "注册资本（万元）": ""
            if sole
            else str(rng.choice((10, 50, 100, 200, 500, 1000, 5000))),
            "住所/经营场所": f"辽宁省本溪市{DISTRICTS[subject.district]}"
            f"{rng.choice(('胜利路', '解放路', '站前街', '光明路', '东明路', '永丰街'))}"
            f"{rng.randint(1, 300)}号",
            "经营范围": f"{subject.trade[1]}（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
            "营业期限自": _fmt(established),
            "营业期限至": ""
            if sole or rng.random() < 0.6
            else _fmt(add_months(established, 12 * 30)),
            "登记机关": SCJG,
            "登记机关统一社会信用代码": scjg.uscc,
            "登记状态": "存续",
            "核准日期": _fmt(approved),
            "数据来源单位": SCJG,
            "数据来源单位统一社会信用代码": scjg.uscc,
            "备注": "",
        }
        plan[(SCJG, "registration", period)].append(row)
        roll = rng.random()
        if roll < 0.10:
            later_period = recent[rng.randrange(len(recent))]
            later = back(later_period, rng.randint(1, 7))
            if later <= approved or later_period == period:
                continue
            change = dict(row, 核准日期=_fmt(later))
            if roll < 0.04:
                change["登记状态"] = "注销"
            elif roll < 0.06:
                change["登记状态"] = "吊销"
            else:
                change["法定代表人/负责人/经营者"] = rng.choice("王李张刘陈杨") + rng.choice(
                    "伟芳静强磊军洋勇"
                )
            plan[(SCJG, "registration", later_period)].append(change)
    return plan


def abnormal_rows(
    people, departments, periods, today: dt.date, rng: random.Random, back: WorkdaysBack, count
) -> Plan:
    """A few listings in the 经营异常名录, about a third removed later by a second row."""
    plan: Plan = defaultdict(list)
    scjg = departments[SCJG]
    candidates = _registrable(people)
    for subject in rng.sample(candidates, min(count, len(candidates))):
        index = rng.randrange(len(periods))
        listed = back(periods[index], rng.randint(1, 7))
        reason, removal = ABNORMAL_REASONS[rng.randrange(len(ABNORMAL_REASONS))]
        row = {
            "主体名称": subject.name,
            "主体类别": subject.kind,
            "统一社会信用代码": subject.uscc,
            "法定代表人（负责人）": subject.legal_rep,
            "列入日期": _fmt(listed),
            "列入原因": reason,
            "列入决定机关": SCJG,
            "列入决定机关统一社会信用代码": scjg.uscc,
            "移出日期": "",
            "移出原因": "",
            "移出决定机关": "",
            "数据来源单位": SCJG,
            "数据来源单位统一社会信用代码": scjg.uscc,
            "备注": "",
        }
        plan[(SCJG, "abnormal_operation", periods[index])].append(row)
        later = index + rng.randint(1, 4)  # a few batch days later
        if rng.random() < 0.35 and later < len(periods):
            removed = back(periods[later], rng.randint(1, 7))
            plan[(SCJG, "abnormal_operation", periods[later])].append(
                dict(row, 移出日期=_fmt(removed), 移出原因=removal, 移出决定机关=SCJG)
            )
    return plan


def _subject_columns(subject: DemoSubject) -> dict[str, str]:
    return {
        "行政相对人名称": subject.name,
        "行政相对人类别": subject.kind,
        "行政相对人代码_1（统一社会信用代码）": subject.uscc,
        "法定代表人": subject.legal_rep,
        "证件类型": "身份证" if subject.kind == "自然人" else "",
        "证件号码": subject.id_number,
    }


def enforcement_rows(
    people, departments, periods, today: dt.date, rng: random.Random, back: WorkdaysBack, count
) -> Plan:
    plan: Plan = defaultdict(list)
    companies = [s for s in people if s.kind != "自然人" and s.uscc]
    numbers: dict[str, int] = defaultdict(int)
    names = [n for n in ENFORCEMENTS if n in departments]
    for _ in range(count):
        name = names[rng.randrange(len(names))]
        prefix, kind, ways, cause, basis, content = ENFORCEMENTS[name]
        period = periods[rng.randrange(len(periods))]
        decided = back(period, rng.randint(1, 7))
        numbers[name] += 1
        uscc = departments[name].uscc
        row = _subject_columns(companies[rng.randrange(len(companies))])
        row.update(
            {
                "行政强制决定书文号": f"{prefix}〔{decided.year}〕{numbers[name]}号",
                "强制类别": kind,
                "强制方式": ";".join(rng.sample(ways, rng.randint(1, len(ways)))),
                "强制事由": cause,
                "强制依据": basis,
                "强制内容": content,
                "强制决定日期": _fmt(decided),
                "强制期限": rng.choice(("30日", "60日", "至履行完毕")),
                "实施机关": name,
                "实施机关统一社会信用代码": uscc,
                "数据来源单位": name,
                "数据来源单位统一社会信用代码": uscc,
                "备注": "",
            }
        )
        plan[(name, "enforcement", period)].append(row)
    return plan


def honour_rows(
    people, departments, periods, today: dt.date, rng: random.Random, back: WorkdaysBack, count
) -> Plan:
    """Honours, most still valid, some expired (no longer public)."""
    plan: Plan = defaultdict(list)
    companies = [s for s in people if s.kind == "法人及非法人组织" and s.uscc]
    numbers: dict[str, int] = defaultdict(int)
    names = [n for n in HONOURS if n in departments]
    for _ in range(count):
        name = names[rng.randrange(len(names))]
        title, level = rng.choice(HONOURS[name])
        period = periods[rng.randrange(len(periods))]
        granted = back(period, rng.randint(1, 7))
        numbers[name] += 1
        uscc = departments[name].uscc
        subject = companies[rng.randrange(len(companies))]
        plan[(name, "honour", period)].append(
            {
                "主体名称": subject.name,
                "主体类别": subject.kind,
                "主体代码_1（统一社会信用代码）": subject.uscc,
                "证件类型": "",
                "证件号码": "",
                "荣誉名称": title,
                "荣誉级别": level,
                "授予单位": name,
                "授予单位统一社会信用代码": uscc,
                "授予文号": f"{name[2:4]}荣〔{granted.year}〕{numbers[name]}号",
                "授予日期": _fmt(granted),
                "有效期至": _fmt(add_months(granted, 12 * rng.choice((1, 2, 3)))),
                "数据来源单位": name,
                "数据来源单位统一社会信用代码": uscc,
                "备注": "",
            }
        )
    return plan


def _grade(rng: random.Random) -> str:
    roll = rng.randrange(100)
    for grade, weight in TAX_GRADES:
        if roll < weight:
            return grade
        roll -= weight
    return "B"


def evaluation_rows(
    people, departments, periods, today: dt.date, rng: random.Random, back: WorkdaysBack, count
) -> Plan:
    """纳税信用 of `count` companies for each of the last two assessed years (published in
    April of the next year; A for about one in seven), and a few 环境信用 results."""
    plan: Plan = defaultdict(list)
    companies = [s for s in people if s.kind != "自然人" and s.uscc]
    tax = departments[TAX]
    for year in (today.year - 2, today.year - 1):
        evaluated = back(dt.date(year + 1, 4, 20), 1)
        if evaluated >= today:
            continue
        received = back(evaluated + dt.timedelta(days=7), 1)
        for subject in rng.sample(companies, min(count, len(companies))):
            plan[(TAX, "evaluation_result", received)].append(
                {
                    "主体名称": subject.name,
                    "主体类别": subject.kind,
                    "主体代码_1（统一社会信用代码）": subject.uscc,
                    "评价类别": "纳税信用",
                    "评价结果": f"{_grade(rng)}级",
                    "评价年度": str(year),
                    "评价日期": _fmt(evaluated),
                    "有效期至": _fmt(dt.date(year + 2, 4, 30)),
                    "评价单位": TAX,
                    "评价单位统一社会信用代码": tax.uscc,
                    "备注": "",
                }
            )
    ecology = departments.get(ECOLOGY)
    if ecology is not None:
        year = today.year - 1
        evaluated = back(dt.date(year + 1, 3, 31), 1)
        received = back(evaluated + dt.timedelta(days=7), 1)
        if received < today:
            for subject in rng.sample(companies, min(count // 10, len(companies))):
                plan[(ECOLOGY, "evaluation_result", received)].append(
                    {
                        "主体名称": subject.name,
                        "主体类别": subject.kind,
                        "主体代码_1（统一社会信用代码）": subject.uscc,
                        "评价类别": "环境信用",
                        "评价结果": rng.choice(ENV_GRADES),
                        "评价年度": str(year),
                        "评价日期": _fmt(evaluated),
                        "有效期至": _fmt(dt.date(year + 2, 3, 31)),
                        "评价单位": ECOLOGY,
                        "评价单位统一社会信用代码": ecology.uscc,
                        "备注": "",
                    }
                )
    return plan


def court_rows(
    people, office, periods, today: dt.date, rng: random.Random, back: WorkdaysBack, count
) -> Plan:
    """Court rulings on dishonest judgment debtors, sent by the credit office (the courts
    are not city departments); companies and a few persons."""
    plan: Plan = defaultdict(list)
    debtors = [s for s in people if s.uscc or s.kind == "自然人"]
    recent = periods[-36:]
    for n in range(1, count + 1):
        subject = debtors[rng.randrange(len(debtors))]
        court, court_uscc, code = COURTS[rng.randrange(len(COURTS))]
        period = recent[rng.randrange(len(recent))]
        published = back(period, rng.randint(1, 7))
        filed = published - dt.timedelta(days=rng.randint(60, 300))
        person = subject.kind == "自然人"
        plan[(office.name, "court_dishonest", period)].append(
            {
                "被执行人名称": subject.name,
                "被执行人类别": subject.kind,
                "统一社会信用代码": subject.uscc,
                "证件类型": "身份证" if person else "",
                "证件号码": subject.id_number,
                "法定代表人或者负责人姓名": "" if person else subject.legal_rep,
                "执行法院": court,
                "执行法院统一社会信用代码": court_uscc,
                "执行依据文号": f"（{filed.year - 1}）{code}民初{rng.randint(100, 9999)}号",
                "立案日期": _fmt(filed),
                "案号": f"（{filed.year}）{code}执{1000 + n}号",
                "作出执行依据单位": court,
                "生效法律文书确定的义务": f"支付款项{rng.choice((3, 8, 15, 42, 120))}万元及利息",
                "被执行人的履行情况": rng.choice(("全部未履行", "全部未履行", "部分未履行")),
                "失信被执行人行为具体情形": rng.choice(
                    (
                        "有履行能力而拒不履行生效法律文书确定义务",
                        "违反财产报告制度",
                        "违反限制消费令",
                    )
                ),
                "发布日期": _fmt(published),
                "数据来源单位": office.name,
                "数据来源单位统一社会信用代码": office.uscc,
                "备注": "",
            }
        )
    return plan


COMMITMENT_MATTERS = {
    SCJG: [
        ("食品经营许可", "以承诺替代经营场所使用证明"),
        ("药品零售许可", "以承诺替代执业药师在岗证明"),
    ],
    HOUSING: [("建筑工程施工许可", "以承诺替代施工图审查合格证明")],
    ECOLOGY: [("排污许可", "以承诺替代环境监测报告")],
}
COMMITMENT_TEXT = "本单位承诺所提交的材料真实有效，符合许可条件；如有虚假或未在期限内补正，愿承担相应法律责任，并同意将失信信息依法公示。"


def commitment_rows(
    people, departments, periods, today: dt.date, rng: random.Random, back: WorkdaysBack, count
) -> Plan:
    """信用承诺: mostly 审批替代型 with a 核查期限 (some verified 履约 by a later file, the
    rest pending: those past their due date are overdue), some 主动型 (public, no due date).
    失信 ones are made by the commitments app's verification after the seed."""
    plan: Plan = defaultdict(list)
    companies = _registrable(people)
    serial: dict[str, int] = defaultdict(int)
    names = [n for n in COMMITMENT_MATTERS if n in departments]
    for _ in range(count):
        name = names[rng.randrange(len(names))]
        period = periods[rng.randrange(len(periods))]
        made = back(period, rng.randint(1, 7))
        key = f"{made:%Y%m%d}"
        serial[key] += 1
        subject = companies[rng.randrange(len(companies))]
        voluntary = rng.random() < 0.25
        matter, reason = (
            ("守法诚信经营", "主动向社会作出信用承诺")
            if voluntary
            else rng.choice(COMMITMENT_MATTERS[name])
        )
        uscc = departments[name].uscc
        row = {
            "承诺主体名称": subject.name,
            "承诺主体类别": subject.kind,
            "统一社会信用代码": subject.uscc,
            "法定代表人（负责人）": subject.legal_rep,
            "承诺编码": f"210500{key}{serial[key]:06d}",
            "承诺类型": "主动型" if voluntary else "审批替代型",
            "承诺日期": _fmt(made),
            "受理单位": name,
            "受理单位统一社会信用代码": uscc,
            "承诺事由": reason,
            "承诺内容": COMMITMENT_TEXT,
            "承诺事项": matter,
            "核查期限": "" if voluntary else _fmt(add_months(made, 2)),
            "履约状态": "未到期",
            "核查日期": "",
            "是否公开": "是",
            "数据来源单位": name,
            "数据来源单位统一社会信用代码": uscc,
        }
        plan[(name, "commitment", period)].append(row)
        checked = add_months(made, 1)
        later = [p for p in periods if p >= checked]
        if not voluntary and later and checked <= today and rng.random() < 0.5:
            plan[(name, "commitment", later[0])].append(
                dict(row, 履约状态="履约", 核查日期=_fmt(checked))
            )
    return plan
