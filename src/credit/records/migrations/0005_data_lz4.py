from django.db import migrations

from credit.core.pg_compression import lz4_compression


class Migration(migrations.Migration):
    dependencies = [("records", "0004_record_batch_fks_unchecked")]

    operations = [
        lz4_compression(("records", "Record", "data"), ("records", "RecordHistory", "data"))
    ]
