"""The list types shipped with the platform (domain.md §5), applied by a data migration.

Recognising departments are named by the USCC of the Benxi department in
accounts/departments.yaml; lists decided outside the city (courts, customs) have none and
are handled by the credit office. Periods are the national defaults; the credit office
edits them in the admin.
"""

from __future__ import annotations

TAX = "11210500MB1544288P"  # 国家税务总局本溪市税务局
HRSS = "11210500MB1544245A"  # 本溪市人力资源和社会保障局
SAMR = "11210500MB1544202W"  # 本溪市市场监督管理局
EMERGENCY = "11210500MB15442535"  # 本溪市应急管理局
FINANCE = "11210500MB15442F5M"  # 本溪市财政局
STATS = "11210500MB15442L4P"  # 本溪市统计局
ECOLOGY = "11210500MB1544210P"  # 本溪市生态环境局

LIST_TYPES: list[dict] = [
    {
        "code": "court_dishonest",
        "name": "失信被执行人",
        "color": "black",
        "legal_basis": "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）",
        "department_uscc": None,
        "authority_label": "人民法院",
        "default_period_months": None,
        "early_removal_allowed": True,
        "early_removal_after_months": None,
    },
    {
        "code": "tax_major_violation",
        "name": "重大税收违法失信主体",
        "color": "black",
        "legal_basis": "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）",
        "department_uscc": TAX,
        "default_period_months": 36,
        "early_removal_allowed": True,
        "early_removal_after_months": None,
    },
    {
        "code": "wage_arrears",
        "name": "拖欠农民工工资失信联合惩戒对象",
        "color": "black",
        "legal_basis": (
            "《保障农民工工资支付条例》第四十八条；"
            "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人力资源社会保障部令第45号）"
        ),
        "department_uscc": HRSS,
        "default_period_months": 36,
        "early_removal_allowed": True,
        "early_removal_after_months": 12,
    },
    {
        "code": "samr_serious_violation",
        "name": "市场监督管理严重违法失信名单",
        "color": "black",
        "legal_basis": "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）",
        "department_uscc": SAMR,
        "default_period_months": 36,
        "early_removal_allowed": True,
        "early_removal_after_months": 12,
    },
    {
        "code": "work_safety_serious",
        "name": "安全生产严重失信主体",
        "color": "black",
        "legal_basis": (
            "《中华人民共和国安全生产法》；《安全生产严重失信主体名单管理办法》（应急管理部令第11号）"
        ),
        "department_uscc": EMERGENCY,
        "default_period_months": 36,
        "early_removal_allowed": True,
        "early_removal_after_months": 12,
    },
    {
        "code": "procurement_serious",
        "name": "政府采购严重违法失信行为记录名单",
        "color": "black",
        "legal_basis": "《中华人民共和国政府采购法》第七十七条；《中华人民共和国政府采购法实施条例》",
        "department_uscc": FINANCE,
        "default_period_months": 36,
        "max_period_months": 36,
        "early_removal_allowed": False,
    },
    {
        "code": "statistics_serious",
        "name": "统计严重失信企业",
        "color": "black",
        "legal_basis": "《中华人民共和国统计法》；《统计严重失信企业信用管理办法》",
        "department_uscc": STATS,
        "default_period_months": 12,
        "early_removal_allowed": False,
    },
    {
        "code": "env_bad",
        "name": "环保不良企业",
        "color": "black",
        "legal_basis": "《企业环境信用评价办法（试行）》（环发〔2013〕150号）",
        "department_uscc": ECOLOGY,
        "default_period_months": 12,
        "early_removal_allowed": False,
    },
    {
        "code": "customs_dishonest",
        "name": "海关失信企业",
        "color": "black",
        "legal_basis": "《中华人民共和国海关注册登记和备案企业信用管理办法》（海关总署令第251号）",
        "department_uscc": None,
        "authority_label": "海关",
        "default_period_months": None,
        "early_removal_allowed": False,
    },
    {
        "code": "tax_grade_a",
        "name": "纳税信用A级纳税人",
        "color": "red",
        "legal_basis": "《纳税信用管理办法》（国家税务总局）",
        "department_uscc": TAX,
        # Evaluated once per tax year; the grade holds until the next evaluation.
        "default_period_months": 12,
        "early_removal_allowed": False,
    },
    {
        "code": "customs_advanced",
        "name": "海关高级认证企业",
        "color": "red",
        "legal_basis": "《中华人民共和国海关注册登记和备案企业信用管理办法》（海关总署令第251号）",
        "department_uscc": None,
        "authority_label": "海关",
        "default_period_months": None,
        "early_removal_allowed": False,
    },
    {
        "code": "contract_honouring",
        "name": "守合同重信用企业",
        "color": "red",
        "legal_basis": "市场监督管理部门“守合同重信用”企业公示有关规定",
        "department_uscc": SAMR,
        "default_period_months": None,
        "early_removal_allowed": False,
    },
    {
        "code": "env_honest",
        "name": "环保诚信企业",
        "color": "red",
        "legal_basis": "《企业环境信用评价办法（试行）》（环发〔2013〕150号）",
        "department_uscc": ECOLOGY,
        "default_period_months": 12,
        "early_removal_allowed": False,
    },
]

_MODEL_FIELDS = (
    "name",
    "color",
    "legal_basis",
    "authority_label",
    "default_period_months",
    "max_period_months",
    "early_removal_allowed",
    "early_removal_after_months",
)


def seed_list_types(list_type_model, department_model) -> int:
    """Create the shipped list types that do not exist yet. Returns how many were created.

    Existing rows are left alone: the credit office may have edited them.
    """
    created = 0
    departments = dict(department_model.objects.values_list("uscc", "pk"))
    for position, spec in enumerate(LIST_TYPES, start=1):
        if list_type_model.objects.filter(code=spec["code"]).exists():
            continue
        values = {key: spec.get(key) for key in _MODEL_FIELDS}
        values["authority_label"] = values["authority_label"] or ""
        values["early_removal_allowed"] = bool(values["early_removal_allowed"])
        list_type_model.objects.create(
            code=spec["code"],
            position=position,
            department_id=departments.get(spec["department_uscc"]),
            **values,
        )
        created += 1
    return created


def department_codes_for(uscc: str) -> list[str]:
    return [spec["code"] for spec in LIST_TYPES if spec["department_uscc"] == uscc]


def link_department_receiver(sender, instance, created, **kwargs) -> None:
    """Give shipped list types still without a department the one they name."""
    if kwargs.get("raw"):
        return
    codes = department_codes_for(instance.uscc)
    if codes:
        from credit.lists.models import ListType

        ListType.objects.filter(code__in=codes, department__isnull=True).update(department=instance)
