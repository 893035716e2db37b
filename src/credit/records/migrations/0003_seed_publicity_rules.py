"""Seed the publicity rule table from domain.md §4 (信用修复管理办法, in force 2026-04-01).

Every value here is a default the credit office may change in the admin.
"""

from django.db import migrations

LAW = "《信用修复管理办法》（2026年4月1日起施行）"
TYPE_NOTE = (
    "平台默认值（可配置）：一个决定含多种处罚类别时取最长公示期。本行为保守默认值，"
    "不超过一般失信行为的最长公示期；如有法律、法规对该类处罚另行规定公示期，请按其规定修改。"
)

SEVERITY_ROWS = [
    (
        "轻微",
        "if_marked",
        None,
        3,
        f"{LAW}：轻微失信行为原则上不予公示，部门认定确需公示的，最长公示期三个月。",
    ),
    ("一般", "yes", 3, 12, f"{LAW}：一般失信行为最短公示期三个月，最长公示期一年。"),
    ("严重", "yes", 12, 36, f"{LAW}：严重失信行为最短公示期一年，最长公示期三年。"),
]

# Exact 处罚类别 values of both vocabularies (pre-2021 and 2021 law, catalog penalty.yaml).
HEAVY_TYPES = [
    "责令停产停业",
    "暂扣或者吊销许可证、暂扣或者吊销执照",
    "行政拘留",
    "暂扣许可证件、降低资质等级、吊销许可证件",
    "限制开展生产经营活动、责令停产停业、责令关闭、限制从业",
]


def seed(apps, schema_editor):
    Rule = apps.get_model("records", "PublicityRule")
    for severity, publish, low, high, law in SEVERITY_ROWS:
        Rule.objects.update_or_create(
            rule_key="penalty_severity",
            severity=severity,
            penalty_type="",
            defaults=dict(publish=publish, min_months=low, max_months=high, law_reference=law),
        )
    for penalty_type in HEAVY_TYPES:
        Rule.objects.update_or_create(
            rule_key="penalty_severity",
            severity="",
            penalty_type=penalty_type,
            defaults=dict(publish="yes", min_months=3, max_months=12, law_reference=TYPE_NOTE),
        )
    Rule.objects.update_or_create(
        rule_key="licence_validity",
        severity="",
        penalty_type="",
        defaults=dict(
            publish="while_valid",
            law_reference="《中华人民共和国行政许可法》第四十条；双公示数据标准：许可在有效期内"
            "（有效期至未届满且当前状态为有效）公示，2099/12/31 表示长期有效。",
        ),
    )


def unseed(apps, schema_editor):
    apps.get_model("records", "PublicityRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0002_publicity")]

    operations = [migrations.RunPython(seed, unseed)]
