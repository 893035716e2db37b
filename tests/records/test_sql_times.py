"""Times written by hand-written SQL are stored as the ORM stores them (issue 11, item 1)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from credit.subjects.models import Subject
from tests.collection.samples import company_uscc, penalty_row, write_csv

pytestmark = pytest.mark.django_db

USCC = "行政相对人代码_1（统一社会信用代码）"


def _import_create_update_rename(scjg, run_file, tmp_path):
    run_file(scjg, write_csv(tmp_path / "a.csv", [penalty_row(1), penalty_row(2)]))
    changed = penalty_row(1, **{"违法事实": "更正后的违法事实"})
    other_name = penalty_row(
        3, **{"行政相对人名称": "本溪市另一名称有限公司", USCC: company_uscc(2)}
    )
    run_file(scjg, write_csv(tmp_path / "b.csv", [changed, other_name]))


def test_profile_of_a_subject_touched_by_imports_answers(scjg, run_file, tmp_path, client):
    _import_create_update_rename(scjg, run_file, tmp_path)
    for subject in Subject.objects.all():
        response = client.get(f"/subjects/{subject.public_id}/")
        assert response.status_code == 200, subject.name
        assert "更新" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a storage format of SQLite only")
def test_every_stored_time_has_the_orm_format(scjg, run_file, tmp_path):
    _import_create_update_rename(scjg, run_file, tmp_path)
    offenders = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.DateTimeField):
                    continue
                table, column = model._meta.db_table, field.column
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE ?',
                    ["%+%"],
                )
                if cursor.fetchone()[0]:
                    offenders.append(f"{table}.{column}")
    assert offenders == []
