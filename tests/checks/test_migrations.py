"""Credit checks moved from measures to their own app without touching a row (issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from credit.checks.models import CheckSubject, CreditCheck, Feedback

BEFORE = [("measures", "0008_integrity_scenario_departments")]
AFTER = [("checks", "0001_kernel_checks_from_measures")]


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


# Migrating needs real commits; serialized_rollback restores the seeded rows for later tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_checks_take_over_the_tables_rows_and_content_types():
    old = _migrate(BEFORE)
    assert "checks" not in {m._meta.app_label for m in old.get_models()}
    content_types = old.get_model("contenttypes", "ContentType").objects
    check_type = content_types.get(app_label="measures", model="creditcheck")
    permission = old.get_model("auth", "Permission").objects.get(
        content_type=check_type, codename="view_creditcheck"
    )

    subject = old.get_model("subjects", "Subject").objects.create(
        public_id="pub-move-checks-1", kind="organization", name="本溪市核查迁移测试有限公司"
    )
    scenario = old.get_model("measures", "Scenario").objects.order_by("pk").first()
    measure = old.get_model("measures", "Measure").objects.order_by("pk").first()
    check = old.get_model("measures", "CreditCheck").objects.create(
        actor_label="迁移测试",
        scenario=scenario,
        created_at=timezone.now(),
        subject_count=1,
        hit_count=1,
        measure_count=1,
        feedback_due=dt.date(2026, 12, 18),
        answer={"items": [{"name": "本溪市核查迁移测试有限公司"}]},
    )
    hit = old.get_model("measures", "CheckSubject").objects.create(
        check_run=check, position=1, subject=subject, subject_label="本溪市核查迁移测试有限公司"
    )
    old.get_model("measures", "Feedback").objects.create(
        check_run=check,
        check_subject=hit,
        measure=measure,
        measure_code=measure.code,
        due_date=dt.date(2026, 12, 18),
    )
    tables = _tables()

    _migrate(AFTER)
    assert _tables() == tables  # no table created, renamed or dropped
    moved = CreditCheck.objects.get(pk=check.pk)
    assert moved.answer == {"items": [{"name": "本溪市核查迁移测试有限公司"}]}
    assert moved.scenario_id == scenario.pk
    assert [h.subject_id for h in moved.hits.all()] == [subject.pk]
    feedback = Feedback.objects.get(check_run=moved)
    assert (feedback.check_subject_id, feedback.measure_code) == (hit.pk, measure.code)
    # The content type (and so admin history and permissions) followed the model.
    new = _migrate(AFTER)
    new_types = new.get_model("contenttypes", "ContentType").objects
    moved_type = new_types.get(pk=check_type.pk)
    assert (moved_type.app_label, moved_type.model) == ("checks", "creditcheck")
    assert not new_types.filter(app_label="measures", model="creditcheck").exists()
    granted = new.get_model("auth", "Permission").objects.get(pk=permission.pk)
    assert granted.content_type.app_label == "checks"

    # New rows go on after the old ones in the same table (same sequence on PostgreSQL).
    later = CreditCheck.objects.create(
        actor_label="迁移后", scenario_id=scenario.pk, created_at=timezone.now(), answer={}
    )
    assert later.pk > check.pk

    # Backwards too, so the move can be undone on a server.
    back = _migrate(BEFORE)
    assert back.get_model("measures", "CreditCheck").objects.filter(pk=check.pk).exists()
    assert back.get_model("measures", "CheckSubject").objects.filter(pk=hit.pk).exists()
    assert back.get_model("contenttypes", "ContentType").objects.get(
        pk=check_type.pk
    ).app_label == ("measures")
    _migrate()
    assert CheckSubject.objects.filter(check_run_id=check.pk).count() == 1
