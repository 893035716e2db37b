"""PostgreSQL: the staging table's `data` column holds jsonb (the model says text), and
its rows are never compressed.

The JSON of each row is then parsed while the file is still being read — by the COPY on
the staging connection, next to Python validating the next rows — instead of in the
single statement that inserts the records after the whole file has been read (2 KB of
JSON per penalty row). The column is written only by COPY and read only by
`records.upsert` (which casts to jsonb, a no-op here); SQLite keeps text. Staged rows
live for one batch, so compressing them (PostgreSQL tries once a row passes 2 KB) is
wasted work: `toast_tuple_target` lets rows up to a page stay as they are.
"""

from django.db import migrations


def _alter(type_name: str, using: str, tuple_target: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("collection", "StagedRow")._meta.db_table)
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN data TYPE {type_name} USING {using}"
        )
        schema_editor.execute(f"ALTER TABLE {table} SET (toast_tuple_target = {tuple_target})")

    return run


class Migration(migrations.Migration):
    dependencies = [("collection", "0006_staging_data_lz4")]

    operations = [
        migrations.RunPython(
            _alter("jsonb", "data::jsonb", 8160), _alter("text", "data::text", 2032)
        ),
    ]
