"""Dataset consumers (collection.consumers): the pipeline runs what apps registered."""

from __future__ import annotations

import pytest

from credit.collection import consumers
from credit.collection.models import BatchState
from credit.records.models import Record

from .samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db

NAME = "tests.penalty_consumer"


@pytest.fixture
def consumer():
    """A consumer of the penalty dataset defined by the test; what it saw is in `seen`."""
    seen: dict[str, list] = {"built": [], "after_load": []}

    def row_check(actor, fields):
        seen["built"].append((actor, [f.code for f in fields]))

        def check(values):
            if "拒收" in values["CF_SY"]:
                yield "CF_SY", "test_refused_fact", "测试消费者不接受该违法事实"

        return check

    def after_load(batch):
        # Inside the load transaction: the batch's records are already written.
        seen["after_load"].append(
            (
                batch.pk,
                sorted(Record.objects.filter(batch=batch).values_list("batch_row", flat=True)),
            )
        )
        if seen.get("refuse"):
            raise consumers.Refused("测试消费者拒绝本批次")

    consumers.register("penalty", NAME, row_check=row_check, after_load=after_load)
    yield seen
    consumers.unregister("penalty", NAME)


def test_the_pipeline_runs_a_registered_row_check_and_after_load(
    consumer, scjg, run_file, tmp_path
):
    rows = [penalty_row(1), penalty_row(2, 违法事实="拒收的事实"), penalty_row(3)]
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows), policy="reject_failed_rows")
    assert batch.state == BatchState.DONE, batch.message
    # Built once per batch, with the batch's fields.
    assert len(consumer["built"]) == 1 and "CF_SY" in consumer["built"][0][1]
    # Its problem is a row error like any other, named by label and code; the row is not stored.
    error = batch.errors.get()
    assert (error.row, error.code) == (3, "test_refused_fact")
    assert "违法事实" in error.message and "测试消费者不接受该违法事实" in error.message
    assert (batch.new_rows, batch.error_rows) == (2, 1)
    # After the upsert, once, seeing the records the batch wrote.
    assert consumer["after_load"] == [(batch.pk, [2, 4])]


def test_a_consumer_refusing_at_load_fails_the_batch_whole(consumer, scjg, run_file, tmp_path):
    consumer["refuse"] = True
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", [penalty_row(1), penalty_row(2)]))
    assert batch.state == BatchState.FAILED
    assert batch.message == "测试消费者拒绝本批次"
    # The records written before the refusal were rolled back with it.
    assert consumer["after_load"] == [(batch.pk, [2, 3])]
    assert not Record.objects.filter(batch=batch).exists()


def test_datasets_without_consumers_are_untouched(consumer, scjg, run_file, tmp_path):
    consumers.unregister("penalty", NAME)
    rows = [penalty_row(1, 违法事实="拒收的事实")]
    batch = run_file(scjg, write_csv(tmp_path / "p.csv", rows))
    assert batch.state == BatchState.DONE and batch.new_rows == 1
    assert consumer == {"built": [], "after_load": []}


def test_registering_the_same_name_again_replaces_it():
    calls = []
    consumers.register("penalty", NAME, after_load=lambda b: calls.append(1))
    consumers.register("penalty", NAME, after_load=lambda b: calls.append(2))
    try:
        assert [c.name for c in consumers.of("penalty")].count(NAME) == 1
    finally:
        consumers.unregister("penalty", NAME)
    with pytest.raises(ValueError):
        consumers.register("penalty", NAME)


def test_lists_registers_the_list_decision_consumer():
    from credit.lists import ingest

    (registered,) = consumers.of(ingest.DATASET_CODE)
    assert registered.name == "lists.list_decision"
    assert registered.row_check is ingest.row_check
    assert registered.after_load is ingest.entries_from_batch
    assert issubclass(ingest.EntriesRefused, consumers.Refused)
