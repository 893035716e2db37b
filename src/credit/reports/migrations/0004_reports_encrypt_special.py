"""Special reports state non-public facts: encrypt the files kept in clear before."""

from django.db import migrations


def seal(apps, schema_editor):
    from credit.reports.files import seal_clear_special_reports

    seal_clear_special_reports(apps.get_model("reports", "CreditReport"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_reports_confirmed_on")]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
