"""The shipped scenarios and measure list, applied by a data migration.

Every measure cites an instrument the measure really comes from. Where the article number
is not certain the instrument is cited without one: a wrong article in a decision is worse
than a general citation.
"""

from __future__ import annotations

SCENARIOS: list[tuple[str, str]] = [
    ("admin_approval", "行政审批"),
    ("gov_procurement", "政府采购"),
    ("bidding", "招标投标"),
    ("fiscal_support", "财政资金支持"),
    ("honours", "评优评先"),
    ("land_transfer", "国有土地出让"),
    ("civil_service", "公职人员录用"),
    ("qualification", "资质认定"),
    ("credit_financing", "融资信贷"),
    ("construction_approval", "工程建设项目审批"),
    ("public_resource", "公共资源交易"),
    ("market_access", "市场准入"),
    ("supervision", "日常监管"),
]

# Instruments cited by several measures.
GUOFA_2016_33 = (
    "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》"
    "（国发〔2016〕33号）"
)
COURT_LIST_RULES = "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）第八条"
COURT_CONSUMPTION = "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》第三条"
COURT_OPINION = (
    "中共中央办公厅、国务院办公厅《关于加快推进失信被执行人信用监督、警示和惩戒机制建设的意见》"
)
WAGE = "《保障农民工工资支付条例》第四十八条"
ENTERPRISE_DISCLOSURE = "《企业信息公示暂行条例》第十八条"
SAMR_LIST = "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）"
WORK_SAFETY = "《中华人民共和国安全生产法》第七十八条"
PROCUREMENT_77 = "《中华人民共和国政府采购法》第七十七条"
PROCUREMENT_22 = "《中华人民共和国政府采购法》第二十二条"
TAX_ADMIN_44 = "《中华人民共和国税收征收管理法》第四十四条"
TAX_LIST = "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）"
TAX_CREDIT = "《纳税信用管理办法》（国家税务总局）"
CUSTOMS = "《中华人民共和国海关注册登记和备案企业信用管理办法》（海关总署令第251号）"
ENV_CREDIT = "《企业环境信用评价办法（试行）》（环发〔2013〕150号）"
STATS_LIST = "《统计严重失信企业信用管理办法》"

REDS = ["tax_grade_a", "customs_advanced", "contract_honouring", "env_honest"]
ALL_PEOPLE = {"applies_to_legal_rep": True, "applies_to_responsible": True}
ORG_ONLY = {"for_person": False}
PERSON_ONLY = {"for_organization": False, "for_sole_trader": False}

# (code, class, kind, list codes, text, legal basis, implementer, scenario codes, options)
MEASURES: list[tuple] = [
    # --- 失信被执行人 -------------------------------------------------------------------
    (
        "P-COURT-01",
        1,
        "punishment",
        ["court_dishonest"],
        "限制高消费及非生活和工作必需的消费行为：乘坐交通工具时选择飞机、列车软卧、轮船二等以上舱位，"
        "在星级以上宾馆、酒店等场所进行高消费，购买不动产或者新建、扩建、高档装修房屋等；"
        "被执行人为单位的，其法定代表人、主要负责人、影响债务履行的直接责任人员、实际控制人同样受限",
        COURT_CONSUMPTION,
        "人民法院；交通运输、住房和城乡建设等相关单位协助执行",
        [],
        ALL_PEOPLE,
    ),
    (
        "P-COURT-02",
        1,
        "punishment",
        ["court_dishonest"],
        "在政府采购活动中对失信被执行人依法予以限制",
        COURT_LIST_RULES,
        "财政部门、政府采购集中采购机构",
        ["gov_procurement", "public_resource"],
        {},
    ),
    (
        "P-COURT-03",
        1,
        "punishment",
        ["court_dishonest"],
        "在招标投标活动中对失信被执行人依法予以限制",
        COURT_LIST_RULES,
        "发展改革、住房和城乡建设、交通运输、水务等招标投标行政监督部门",
        ["bidding", "public_resource"],
        {},
    ),
    (
        "P-COURT-04",
        1,
        "punishment",
        ["court_dishonest"],
        "在行政审批、市场准入、资质认定中对失信被执行人依法予以限制",
        COURT_LIST_RULES,
        "各行政审批部门",
        ["admin_approval", "market_access", "qualification"],
        {},
    ),
    (
        "P-COURT-05",
        1,
        "punishment",
        ["court_dishonest"],
        "限制申请和获得政府扶持、财政资金支持",
        COURT_LIST_RULES,
        "财政部门及各资金主管部门",
        ["fiscal_support"],
        {},
    ),
    (
        "P-COURT-06",
        3,
        "punishment",
        ["court_dishonest"],
        "金融机构在融资授信时将失信被执行人信息作为审慎授信的重要参考",
        COURT_LIST_RULES,
        "人民银行、金融监管部门，银行业金融机构",
        ["credit_financing"],
        {},
    ),
    (
        "P-COURT-07",
        1,
        "punishment",
        ["court_dishonest"],
        "失信被执行人不得录用为公务员、不得招录（聘）为事业单位工作人员",
        COURT_OPINION,
        "组织、人力资源和社会保障部门",
        ["civil_service"],
        PERSON_ONLY,
    ),
    # --- 重大税收违法失信主体 -----------------------------------------------------------
    (
        "P-TAX-01",
        2,
        "punishment",
        ["tax_major_violation"],
        "纳税信用级别直接判为D级，适用D级纳税人管理措施，加强税收监管和检查",
        f"{TAX_LIST}；{TAX_CREDIT}",
        "税务部门",
        ["supervision"],
        {},
    ),
    (
        "P-TAX-02",
        1,
        "punishment",
        ["tax_major_violation"],
        "欠缴税款又未结清税款、滞纳金或者提供担保的，税务机关可以通知出境管理机关阻止纳税人或者其法定代表人出境",
        TAX_ADMIN_44,
        "税务部门、出入境管理机关",
        [],
        {"applies_to_legal_rep": True},
    ),
    (
        "P-TAX-03",
        2,
        "punishment",
        ["tax_major_violation"],
        "在政府采购、招标投标中将重大税收违法失信信息作为重要参考，依法依规予以限制",
        GUOFA_2016_33,
        "财政部门、招标投标行政监督部门",
        ["gov_procurement", "bidding", "public_resource"],
        {},
    ),
    # --- 拖欠农民工工资失信联合惩戒对象 -----------------------------------------------
    (
        "P-WAGE-01",
        1,
        "punishment",
        ["wage_arrears"],
        "在政府资金支持方面依法依规予以限制",
        WAGE,
        "财政部门及各资金主管部门",
        ["fiscal_support"],
        ALL_PEOPLE,
    ),
    (
        "P-WAGE-02",
        1,
        "punishment",
        ["wage_arrears"],
        "在政府采购方面依法依规予以限制",
        WAGE,
        "财政部门",
        ["gov_procurement", "public_resource"],
        ALL_PEOPLE,
    ),
    (
        "P-WAGE-03",
        1,
        "punishment",
        ["wage_arrears"],
        "在招投标方面依法依规予以限制",
        WAGE,
        "招标投标行政监督部门",
        ["bidding", "public_resource"],
        ALL_PEOPLE,
    ),
    (
        "P-WAGE-04",
        1,
        "punishment",
        ["wage_arrears"],
        "在融资贷款方面依法依规予以限制",
        WAGE,
        "人民银行、金融监管部门",
        ["credit_financing"],
        ALL_PEOPLE,
    ),
    (
        "P-WAGE-05",
        1,
        "punishment",
        ["wage_arrears"],
        "在市场准入、评优评先方面依法依规予以限制",
        WAGE,
        "市场准入及表彰评选主管部门",
        ["market_access", "honours", "qualification"],
        ALL_PEOPLE,
    ),
    # --- 市场监督管理严重违法失信名单 --------------------------------------------------
    (
        "P-SAMR-01",
        1,
        "punishment",
        ["samr_serious_violation"],
        "在政府采购中将企业信息作为重要考量因素，依法予以限制或者禁入",
        ENTERPRISE_DISCLOSURE,
        "财政部门",
        ["gov_procurement"],
        ORG_ONLY,
    ),
    (
        "P-SAMR-02",
        1,
        "punishment",
        ["samr_serious_violation"],
        "在工程招投标中将企业信息作为重要考量因素，依法予以限制或者禁入",
        ENTERPRISE_DISCLOSURE,
        "招标投标行政监督部门",
        ["bidding", "construction_approval"],
        ORG_ONLY,
    ),
    (
        "P-SAMR-03",
        1,
        "punishment",
        ["samr_serious_violation"],
        "在国有土地出让中将企业信息作为重要考量因素，依法予以限制或者禁入",
        ENTERPRISE_DISCLOSURE,
        "自然资源部门",
        ["land_transfer"],
        ORG_ONLY,
    ),
    (
        "P-SAMR-04",
        1,
        "punishment",
        ["samr_serious_violation"],
        "在授予荣誉称号等工作中依法予以限制或者禁入",
        ENTERPRISE_DISCLOSURE,
        "各表彰评选主管部门",
        ["honours"],
        ORG_ONLY,
    ),
    (
        "P-SAMR-05",
        2,
        "punishment",
        ["samr_serious_violation"],
        "列为重点监管对象，提高检查频次，依法严格监管",
        SAMR_LIST,
        "市场监督管理部门",
        ["supervision"],
        {},
    ),
    # --- 安全生产严重失信主体 ---------------------------------------------------------
    (
        "P-SAFE-01",
        2,
        "punishment",
        ["work_safety_serious"],
        "加大执法检查频次",
        WORK_SAFETY,
        "负有安全生产监督管理职责的部门",
        ["supervision"],
        {},
    ),
    (
        "P-SAFE-02",
        1,
        "punishment",
        ["work_safety_serious"],
        "暂停项目审批",
        WORK_SAFETY,
        "投资主管部门、自然资源、生态环境等审批部门",
        ["admin_approval", "construction_approval"],
        ORG_ONLY,
    ),
    (
        "P-SAFE-03",
        3,
        "punishment",
        ["work_safety_serious"],
        "上调有关保险费率",
        WORK_SAFETY,
        "保险机构",
        ["credit_financing"],
        {},
    ),
    (
        "P-SAFE-04",
        1,
        "punishment",
        ["work_safety_serious"],
        "实施行业或者职业禁入",
        WORK_SAFETY,
        "负有安全生产监督管理职责的部门、行业主管部门",
        ["market_access", "qualification"],
        {"applies_to_responsible": True},
    ),
    # --- 政府采购严重违法失信 ---------------------------------------------------------
    (
        "P-PROC-01",
        1,
        "punishment",
        ["procurement_serious"],
        "列入不良行为记录名单的供应商，在一至三年内禁止参加政府采购活动",
        PROCUREMENT_77,
        "财政部门、采购人、集中采购机构",
        ["gov_procurement", "public_resource"],
        {},
    ),
    (
        "P-PROC-02",
        1,
        "punishment",
        ["procurement_serious", "samr_serious_violation", "tax_major_violation"],
        "审查供应商参加政府采购活动前三年内在经营活动中有无重大违法记录，不符合条件的不得参加",
        PROCUREMENT_22,
        "采购人、采购代理机构",
        ["gov_procurement"],
        {},
    ),
    # --- 统计严重失信企业 -------------------------------------------------------------
    (
        "P-STAT-01",
        2,
        "punishment",
        ["statistics_serious"],
        "列为重点关注对象，加强统计执法检查和数据质量核查",
        STATS_LIST,
        "统计部门",
        ["supervision"],
        ORG_ONLY,
    ),
    (
        "P-STAT-02",
        2,
        "punishment",
        ["statistics_serious", "env_bad", "customs_dishonest"],
        "在评优评先、各类表彰奖励中依法依规予以限制",
        GUOFA_2016_33,
        "各表彰评选主管部门",
        ["honours"],
        {},
    ),
    # --- 环保不良企业、海关失信企业 ------------------------------------------------------
    (
        "P-ENV-01",
        2,
        "punishment",
        ["env_bad"],
        "加大执法监察频次，从严审批各类环保专项资金补助申请",
        ENV_CREDIT,
        "生态环境部门",
        ["supervision", "fiscal_support"],
        ORG_ONLY,
    ),
    (
        "P-ENV-02",
        3,
        "punishment",
        ["env_bad"],
        "建议银行业金融机构严格贷款条件",
        ENV_CREDIT,
        "生态环境部门通报，银行业金融机构实施",
        ["credit_financing"],
        ORG_ONLY,
    ),
    (
        "P-CUSTOMS-01",
        2,
        "punishment",
        ["customs_dishonest"],
        "提高进出口货物查验率和后续稽查、核查频次",
        CUSTOMS,
        "海关",
        ["supervision"],
        ORG_ONLY,
    ),
    # --- 守信激励（红名单） -------------------------------------------------------------
    (
        "R-GEN-01",
        2,
        "reward",
        REDS,
        "在行政审批中开辟绿色通道，可采取容缺受理等便利服务",
        GUOFA_2016_33,
        "各行政审批部门",
        ["admin_approval", "construction_approval", "qualification"],
        {},
    ),
    (
        "R-GEN-02",
        2,
        "reward",
        REDS,
        "在实施财政性资金项目安排等各类政府优惠政策中，优先考虑诚信市场主体",
        GUOFA_2016_33,
        "财政部门及各资金主管部门",
        ["fiscal_support"],
        {},
    ),
    (
        "R-GEN-03",
        2,
        "reward",
        REDS,
        "在有关公共资源交易活动中，依法依约对诚信市场主体采取信用加分等措施",
        GUOFA_2016_33,
        "公共资源交易主管部门",
        ["public_resource", "bidding"],
        {},
    ),
    (
        "R-GEN-04",
        2,
        "reward",
        REDS,
        "在日常检查、专项检查中优化检查频次",
        GUOFA_2016_33,
        "各行政执法部门",
        ["supervision"],
        {},
    ),
    (
        "R-GEN-05",
        2,
        "reward",
        REDS,
        "在评优评先中同等条件下优先考虑",
        GUOFA_2016_33,
        "各表彰评选主管部门",
        ["honours"],
        {},
    ),
    (
        "R-TAX-01",
        2,
        "reward",
        ["tax_grade_a"],
        "向社会公告A级纳税人名单，在发票领用、出口退税等办税事项中提供便利",
        TAX_CREDIT,
        "税务部门",
        ["admin_approval"],
        ORG_ONLY,
    ),
    (
        "R-TAX-02",
        3,
        "reward",
        ["tax_grade_a"],
        "与银行业金融机构共享纳税信用评价结果，在融资授信中给予便利（银税互动）",
        TAX_CREDIT,
        "税务部门、银行业金融机构",
        ["credit_financing"],
        ORG_ONLY,
    ),
    (
        "R-CUSTOMS-01",
        2,
        "reward",
        ["customs_advanced"],
        "适用较低进出口货物平均查验率，优先办理进出口货物通关手续",
        CUSTOMS,
        "海关",
        ["supervision"],
        ORG_ONLY,
    ),
    (
        "R-ENV-01",
        2,
        "reward",
        ["env_honest"],
        "在安排环保专项资金或者补助资金时优先支持",
        ENV_CREDIT,
        "生态环境部门",
        ["fiscal_support"],
        ORG_ONLY,
    ),
]


def seed_scenarios(scenario_model) -> int:
    created = 0
    for position, (code, name) in enumerate(SCENARIOS, start=1):
        _, made = scenario_model.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
        created += made
    return created


def seed_measures(measure_model, scenario_model, list_type_model) -> int:
    """Create the shipped measures that do not exist yet; edited ones are left alone."""
    list_types = dict(list_type_model.objects.values_list("code", "pk"))
    scenarios = dict(scenario_model.objects.values_list("code", "pk"))
    created = 0
    for position, row in enumerate(MEASURES, start=1):
        code, klass, kind, lists, text, basis, implementer, scenario_codes, options = row
        if measure_model.objects.filter(code=code).exists():
            continue
        measure = measure_model.objects.create(
            code=code,
            measure_class=klass,
            kind=kind,
            text=text,
            legal_basis=basis,
            implementer=implementer,
            position=position,
            **options,
        )
        measure.list_types.set([list_types[c] for c in lists])
        measure.scenarios.set([scenarios[c] for c in scenario_codes])
        created += 1
    return created
