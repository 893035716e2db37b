"""Staging without the batch_id index and, on PostgreSQL, UNLOGGED.

Staging rows live for the length of one import and are never the only copy of anything:
the uploaded file is kept and a batch interrupted by a crash is re-run from it. UNLOGGED
skips the write-ahead log for the COPY, the linking updates and the final delete; after a
server crash PostgreSQL empties the table, which is exactly what a re-run does anyway.
"""

from django.db import migrations, models


def _unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE collection_stagedrow SET UNLOGGED")


def _logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE collection_stagedrow SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [
        ("collection", "0002_stagedrow_batch_heartbeat_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="stagedrow",
            name="batch_id",
            field=models.BigIntegerField(),
        ),
        migrations.RunPython(_unlogged, _logged),
    ]
