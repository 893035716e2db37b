import pytest
from django.core import checks

pytestmark = pytest.mark.django_db


def test_search_backend_check_passes_on_the_test_database():
    problems = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    assert [p for p in problems if p.id.startswith("portal.")] == []


def test_missing_fts_table_is_reported(django_db_blocker):
    from django.db import connection

    from credit.portal.checks import _postgresql, _sqlite

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ALTER TABLE subjects_subject_fts RENAME TO subjects_subject_fts_x")
            try:
                assert [p.id for p in _sqlite(cursor)] == ["portal.E003"]
            finally:
                cursor.execute("ALTER TABLE subjects_subject_fts_x RENAME TO subjects_subject_fts")
        else:
            assert _postgresql(cursor) == []
