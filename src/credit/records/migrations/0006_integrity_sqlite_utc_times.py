"""SQLite: times written by hand-written SQL carried a `+00:00` suffix while the ORM writes
naive UTC strings; both meant UTC. Strip the suffix so every column holds one format (the
raw writers now bind times as the ORM does, credit.core.sqltime)."""

from django.db import migrations

COLUMNS = {
    "subjects_subject": ("created_at", "updated_at"),
    "records_record": ("created_at", "updated_at", "received_at"),
    "records_recordhistory": ("superseded_at",),
    "records_recordvisibilitychange": ("at",),
    "audit_changelog": ("at",),
}


def strip_utc_suffix(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, columns in COLUMNS.items():
            for column in columns:
                cursor.execute(
                    f"UPDATE {table} SET {column} = substr({column}, 1, length({column}) - 6) "
                    f"WHERE {column} LIKE '%+00:00'"
                )


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0005_data_lz4"),
        ("subjects", "0002_search_indexes"),
        ("audit", "0003_accesslog_time_brin"),
    ]

    operations = [migrations.RunPython(strip_utc_suffix, migrations.RunPython.noop)]
