from django.db import migrations


def forwards(apps, schema_editor):
    from credit.measures.seed import seed_measures, seed_scenarios

    scenario = apps.get_model("measures", "Scenario")
    seed_scenarios(scenario)
    seed_measures(apps.get_model("measures", "Measure"), scenario, apps.get_model("lists", "ListType"))


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial"), ("lists", "0002_seed_list_types")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
