"""Rule rows of the generic publicity rules (records.publicity VALID_UNTIL, FIXED_TERM)."""

from django.db import migrations

ROWS = [
    (
        "valid_until",
        "while_valid",
        None,
        "在有效期内公示：自起始日期（默认决定日期）起至定义中指明的截止日期字段；"
        "截止日期为空或 2099/12/31 表示长期。",
    ),
    (
        "fixed_term",
        "yes",
        36,
        "自决定日期起按最长公示期（月）公示。平台默认 36 个月，信用主管部门可按本地办法调整。",
    ),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("records", "PublicityRule")
    for key, publish, months, law in ROWS:
        Rule.objects.update_or_create(
            rule_key=key,
            severity="",
            penalty_type="",
            defaults=dict(publish=publish, max_months=months, law_reference=law),
        )


def unseed(apps, schema_editor):
    apps.get_model("records", "PublicityRule").objects.filter(
        rule_key__in=[row[0] for row in ROWS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0007_merge_integrity_publicload")]
    operations = [migrations.RunPython(seed, unseed)]
