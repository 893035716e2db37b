"""Staged rows' data: jsonb on PostgreSQL (`StagedJSON`), and staged rows never compressed.

Staged rows live for one batch, so compressing them (PostgreSQL tries once a row passes
2 KB; a penalty row's JSON is ~2 KB) is wasted work: `toast_tuple_target` lets rows up to
a page stay as they are. Rows left by an interrupted batch are dropped first (a re-run
reads its file again), so no old row can stop the type change.
"""

from django.db import migrations

import credit.collection.models


def _drop_leftovers(apps, schema_editor):
    apps.get_model("collection", "StagedRow").objects.all().delete()


def _postgresql(change: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("collection", "StagedRow")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} {change}")

    return run


class Migration(migrations.Migration):
    dependencies = [("collection", "0006_staging_data_lz4")]

    operations = [
        migrations.RunPython(_drop_leftovers, migrations.RunPython.noop),
        # Django casts text to jsonb only with an explicit USING; the column type is the
        # same text elsewhere.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="stagedrow",
                    name="data",
                    field=credit.collection.models.StagedJSON(),
                )
            ],
            database_operations=[
                migrations.RunPython(
                    _postgresql("ALTER COLUMN data TYPE jsonb USING data::jsonb"),
                    _postgresql("ALTER COLUMN data TYPE text USING data::text"),
                )
            ],
        ),
        migrations.RunPython(
            _postgresql("SET (toast_tuple_target = 8160)"),
            _postgresql("RESET (toast_tuple_target)"),
        ),
    ]
