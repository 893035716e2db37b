"""Deterministic Benxi demo data: subjects, licences and penalties as departments send them.

Everything here produces *files* (rows keyed by the catalog's Chinese labels); the demo is
loaded by importing those files through the real collection pipeline.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from credit.core.identifiers import make_id_number, make_uscc
from credit.core.workdays import add_workdays

DISTRICTS = {
    "210502": "平山区",
    "210503": "溪湖区",
    "210504": "明山区",
    "210505": "南芬区",
    "210521": "本溪满族自治县",
    "210522": "桓仁满族自治县",
}
PLACE = {
    "210502": ["平山", "本溪"],
    "210503": ["溪湖", "本溪"],
    "210504": ["明山", "本溪"],
    "210505": ["南芬", "本溪"],
    "210521": ["本溪县", "小市", "草河口"],
    "210522": ["桓仁", "五女山", "八里甸子"],
}
BRANDS = [
    "鑫源",
    "华泰",
    "钢联",
    "山水",
    "龙腾",
    "恒通",
    "北方",
    "辽东",
    "太子河",
    "关门山",
    "水洞",
    "铁刹山",
    "枫林",
    "玉龙",
    "众鑫",
    "盛达",
    "宏远",
    "汇丰",
    "金石",
    "兴业",
    "天成",
    "安泰",
    "瑞祥",
    "富华",
    "东风",
    "永盛",
    "德润",
    "嘉禾",
    "泰和",
    "长青",
    "博远",
    "新城",
    "联创",
    "聚源",
    "佳美",
    "福满",
]
TRADES = [
    ("商贸", "食品销售"),
    ("钢铁贸易", "钢材销售"),
    ("建材", "建材销售"),
    ("餐饮管理", "餐饮服务"),
    ("物流", "道路货物运输"),
    ("药业", "药品零售"),
    ("建筑工程", "房屋建筑施工"),
    ("矿业", "铁矿开采"),
    ("旅游开发", "旅游服务"),
    ("汽车维修", "机动车维修"),
    ("物业管理", "物业服务"),
    ("农业科技", "农产品种植"),
    ("医疗器械", "医疗器械销售"),
    ("化工", "化工产品生产"),
    ("酒店管理", "住宿服务"),
    ("环保科技", "污水处理"),
]
FORMS = ["有限公司", "有限公司", "有限责任公司", "股份有限公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国志强海燕建华丽娟"


@dataclass
class DemoSubject:
    name: str
    kind: str  # label: 法人及非法人组织 / 个体工商户 / 自然人
    uscc: str
    id_number: str
    legal_rep: str
    district: str
    trade: tuple[str, str]


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _id_number(rng: random.Random, district: str) -> str:
    born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
    return make_id_number(f"{district}{born:%Y%m%d}{rng.randrange(0, 1000):03d}")


def subjects(count: int, rng: random.Random) -> list[DemoSubject]:
    out: list[DemoSubject] = []
    names: set[str] = set()
    districts = list(DISTRICTS)
    for i in range(count):
        district = rng.choice(districts)
        trade = rng.choice(TRADES)
        roll = i % 20
        if roll < 2:  # natural persons
            name = _person_name(rng)
            out.append(
                DemoSubject(name, "自然人", "", _id_number(rng, district), "", district, trade)
            )
            continue
        if roll < 5:  # sole traders (个体工商户), USCCs issued by market regulation as 92…
            base = f"{district_place(rng, district)}{rng.choice(BRANDS)}{trade[0][:2]}店"
            kind, uscc_head = "个体工商户", "92"
        else:
            base = (
                f"{district_place(rng, district)}{rng.choice(BRANDS)}{trade[0]}{rng.choice(FORMS)}"
            )
            kind, uscc_head = "法人及非法人组织", "91"
        name = base
        n = 2
        while name in names:
            name = base.replace("有限", f"第{n}有限", 1) if "有限" in base else f"{base[:-1]}{n}店"
            n += 1
        names.add(name)
        uscc = make_uscc(f"{uscc_head}{district}MA{i:07X}"[:17].replace("I", "J").replace("O", "P"))
        # A few old sole traders have no code on file: they become unverified subjects.
        if kind == "个体工商户" and i % 97 == 0:
            uscc = ""
        out.append(DemoSubject(name, kind, uscc, "", _person_name(rng), district, trade))
    return out


def district_place(rng: random.Random, district: str) -> str:
    return rng.choice(PLACE[district])


def received_for(decided: dt.date, rng: random.Random) -> dt.date:
    """Most departments send within the 7 working days; about one in twelve is late."""
    delay = rng.randint(1, 6) if rng.random() > 0.08 else rng.randint(8, 25)
    return add_workdays(decided, delay)
