"""Default working days of the objection steps (domain.md §5, Guangzhou's rules); the
credit office edits them in the admin (办理时限)."""

from django.db import migrations

DEFAULTS = [
    ("objection", "accept", "受理", 2),
    ("objection", "self_check", "平台自查", 2),
    ("objection", "verify", "部门协查", 10),
]


def seed(apps, schema_editor):
    StepPeriod = apps.get_model("applications", "StepPeriod")
    for kind, code, label, workdays in DEFAULTS:
        StepPeriod.objects.get_or_create(
            kind=kind, code=code, defaults={"label": label, "workdays": workdays}
        )


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_objections_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
