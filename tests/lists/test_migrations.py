"""Migration 0004 renames 陈述申辩 from "objection" to "statement" without losing data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("lists", "0003_listproc_objection_waiver")]
AFTER = [("lists", "0004_rename_statement_fields")]


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # No target: every app to its latest migration (migrating lists back unapplies the
    # apps that depend on its later migrations, and later tests need their tables).
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# Migrating needs real commits; serialized_rollback restores the seeded rows for later tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_statement_rename_keeps_fields_and_procedure_history():
    old = _migrate(BEFORE)
    subject = old.get_model("subjects", "Subject").objects.create(
        public_id="pub-migrate-1", kind="organization", name="本溪市迁移测试有限公司"
    )
    list_type = old.get_model("lists", "ListType").objects.get(code="samr_serious_violation")
    list_type.objection_workdays = 7
    list_type.save()
    entry = old.get_model("lists", "ListEntry").objects.create(
        list_type=list_type,
        subject=subject,
        source="console",
        objection_deadline=dt.date(2026, 11, 20),
        objection_waived=True,
        objection_waived_on=dt.date(2026, 11, 18),
        objection_waiver_number="放弃书〔2026〕9号",
        objection_text="意见",
        objection_answer="答复",
    )
    events = old.get_model("lists", "ListEntryEvent").objects
    for action in ("notify", "objection", "waive_objection"):
        events.create(entry=entry, to_state="notified", action=action, on=dt.date(2026, 11, 18))

    new = _migrate(AFTER)
    moved = new.get_model("lists", "ListEntry").objects.get(pk=entry.pk)
    assert moved.statement_deadline == dt.date(2026, 11, 20)
    assert moved.statement_waived and moved.statement_waived_on == dt.date(2026, 11, 18)
    assert moved.statement_waiver_number == "放弃书〔2026〕9号"
    assert (moved.statement_text, moved.statement_answer) == ("意见", "答复")
    assert moved.list_type.statement_workdays == 7
    actions = list(
        new.get_model("lists", "ListEntryEvent")
        .objects.filter(entry_id=entry.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["notify", "statement", "waive_statement"]

    # Backwards too, so the migration can be undone on a server.
    back = _migrate(BEFORE)
    codes = back.get_model("lists", "ListEntryEvent").objects.values_list("action", flat=True)
    assert set(codes) == {"notify", "objection", "waive_objection"}
    _migrate()
