"""专项信用报告 applications (issue 14): the kind, and the default working days of its
受理 step (the credit office accepts and issues, or refuses with a reason)."""

from django.db import migrations, models

KINDS = [("objection", "信用信息异议"), ("special_report", "专项信用报告申请")]
DEFAULTS = [("special_report", "accept", "受理并出具", 3)]


def seed(apps, schema_editor):
    StepPeriod = apps.get_model("applications", "StepPeriod")
    for kind, code, label, workdays in DEFAULTS:
        StepPeriod.objects.get_or_create(
            kind=kind, code=code, defaults={"label": label, "workdays": workdays}
        )


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_objections_step_periods")]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=20, verbose_name="申请类型"),
        ),
        migrations.AlterField(
            model_name="stepperiod",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=20, verbose_name="申请类型"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
