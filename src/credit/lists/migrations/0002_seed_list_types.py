from django.db import migrations


def forwards(apps, schema_editor):
    from credit.lists.seed import seed_list_types

    seed_list_types(apps.get_model("lists", "ListType"), apps.get_model("accounts", "Department"))


class Migration(migrations.Migration):
    dependencies = [("lists", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
