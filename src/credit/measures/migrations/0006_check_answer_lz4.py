from django.db import migrations

from credit.core.pg_compression import lz4_compression


class Migration(migrations.Migration):
    dependencies = [("measures", "0005_creditcheck_lean_foreign_keys")]

    operations = [lz4_compression(("measures", "CreditCheck", "answer"))]
