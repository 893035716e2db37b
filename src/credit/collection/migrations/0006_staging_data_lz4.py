from django.db import migrations

from credit.core.pg_compression import lz4_compression


class Migration(migrations.Migration):
    dependencies = [("collection", "0005_staging_without_subject_id")]

    operations = [lz4_compression(("collection", "StagedRow", "data"))]
