"""Name-search indexes, one per database engine.

PostgreSQL: pg_trgm and a GiST trigram index on name_norm (GiST, not GIN: the common
trigrams of 有限公司 make GIN scans slow, see the architecture notes). SQLite: an FTS5
trigram table over name_norm kept in sync by triggers, because the raw-SQL import path
inserts subjects without going through the ORM.
"""

from django.db import migrations

FTS_SQL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS subjects_subject_fts USING fts5(
        name_norm, content='subjects_subject', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS subjects_subject_fts_ai AFTER INSERT ON subjects_subject
    BEGIN
        INSERT INTO subjects_subject_fts(rowid, name_norm) VALUES (new.id, new.name_norm);
    END""",
    """CREATE TRIGGER IF NOT EXISTS subjects_subject_fts_ad AFTER DELETE ON subjects_subject
    BEGIN
        INSERT INTO subjects_subject_fts(subjects_subject_fts, rowid, name_norm)
        VALUES ('delete', old.id, old.name_norm);
    END""",
    """CREATE TRIGGER IF NOT EXISTS subjects_subject_fts_au
    AFTER UPDATE OF name_norm ON subjects_subject
    BEGIN
        INSERT INTO subjects_subject_fts(subjects_subject_fts, rowid, name_norm)
        VALUES ('delete', old.id, old.name_norm);
        INSERT INTO subjects_subject_fts(rowid, name_norm) VALUES (new.id, new.name_norm);
    END""",
    "INSERT INTO subjects_subject_fts(subjects_subject_fts) VALUES ('rebuild')",
]
FTS_DROP = [
    "DROP TRIGGER IF EXISTS subjects_subject_fts_ai",
    "DROP TRIGGER IF EXISTS subjects_subject_fts_ad",
    "DROP TRIGGER IF EXISTS subjects_subject_fts_au",
    "DROP TABLE IF EXISTS subjects_subject_fts",
]
PG_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS subject_name_trgm ON subjects_subject "
    "USING gist (name_norm gist_trgm_ops)",
]
PG_DROP = ["DROP INDEX IF EXISTS subject_name_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("subjects", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_SQL, "sqlite": FTS_SQL}),
            _run({"postgresql": PG_DROP, "sqlite": FTS_DROP}),
        )
    ]
