"""A record update's change-log row names the changed fields with old and new values."""

from __future__ import annotations

import pytest

from credit.audit.models import ChangeLog
from credit.collection.models import BatchState
from credit.records.models import Record
from credit.records.upsert import data_diff
from tests.collection.samples import person_id, person_penalty_row, write_csv

pytestmark = pytest.mark.django_db


def test_update_logs_changed_values_and_masks_id_numbers(
    scjg, run_file, tmp_path, client, auditor_user
):
    rows = [person_penalty_row(n) for n in (1, 2)]
    assert run_file(scjg, write_csv(tmp_path / "a.csv", rows)).state == BatchState.DONE
    changed = [
        # Same person, new facts: the ID number (a fresh ciphertext) is not a change.
        person_penalty_row(1, **{"违法事实": "销售不合格产品（更正）"}),
        # Another ID number: logged, masked.
        person_penalty_row(2, **{"证件号码": person_id(7)}),
    ]
    batch = run_file(scjg, write_csv(tmp_path / "b.csv", changed))
    assert (batch.state, batch.updated_rows) == (BatchState.DONE, 2), batch.message
    first = Record.objects.get(doc_number=rows[0]["行政处罚决定书文号"])
    entry = ChangeLog.objects.get(action="record_updated", object_id=str(first.pk))
    assert entry.before == {
        "version": 1,
        "batch": first.created_batch_id,
        "CF_SY": "销售不合格产品",
    }
    assert entry.after == {"version": 2, "batch": batch.id, "CF_SY": "销售不合格产品（更正）"}
    second = Record.objects.get(doc_number=rows[1]["行政处罚决定书文号"])
    entry = ChangeLog.objects.get(action="record_updated", object_id=str(second.pk))
    old, new = person_id(2), person_id(7)
    assert entry.before["CF_XDR_ZJHM"] == f"{old[:6]}********{old[-4:]}"
    assert entry.after["CF_XDR_ZJHM"] == f"{new[:6]}********{new[-4:]}"
    text = str(entry.before) + str(entry.after)
    assert old not in text and new not in text and "content_hash" not in text

    # The auditor reads it in Chinese: the catalog's field names and the subject's name.
    client.force_login(auditor_user)
    page = client.get("/console/audit/changes/", {"action": "record_updated"}).content.decode()
    assert "<dt>违法事实</dt><dd>销售不合格产品（更正）</dd>" in page
    assert "<dt>证件号码</dt>" in page and old not in page
    assert f"{first.subject.name}（{first.subject_id}）" in page


def test_data_diff_reports_removed_and_added_fields():
    before, after = data_diff({"A": "1", "B": "x"}, {"A": "2", "C": "y"}, set())
    assert before == {"A": "1", "B": "x", "C": None}
    assert after == {"A": "2", "B": None, "C": "y"}
