"""Drop the records' single-column subject index: record_subject_dataset leads with the
subject and serves every lookup by it, so this one was only maintained on each insert.

Only the index is dropped (the same name on PostgreSQL and SQLite). Django's AlterField
would drop and re-add the foreign key on PostgreSQL, re-checking every record, and
rebuild the whole table on SQLite."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "records_record_subject_id_07deca2a"


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0007_merge_integrity_publicload"),
        ("subjects", "0003_review_merge"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f"CREATE INDEX {INDEX} ON records_record (subject_id)",
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="record",
                    name="subject",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="records",
                        to="subjects.subject",
                        verbose_name="信用主体",
                    ),
                ),
            ],
        ),
    ]
