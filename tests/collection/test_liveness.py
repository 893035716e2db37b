"""A batch waiting while no background worker runs is shown as such (batch page, API,
console home); with a live worker it is not. Batches are processed by a real worker in
the process tests (test_crash.py); here the waiting batch is left as an upload leaves it
when no worker takes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from credit.collection import liveness
from credit.collection.models import Batch, BatchState, WorkerProcess
from tests.collection.samples import penalty_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_batch(scjg, run_file, tmp_path, settings):
    settings.CREDIT_WORKER_WAIT_WARNING_SECONDS = 60
    batch = run_file(scjg, write_csv(tmp_path / "a.csv", [penalty_row(1)]))
    # As an upload stands when no worker picked it up: received ten minutes ago.
    Batch.objects.filter(pk=batch.pk).update(
        state=BatchState.RECEIVED,
        received_at=timezone.now() - dt.timedelta(minutes=10),
        active_key=f"{scjg.id}:{batch.dataset_id}",
    )
    return Batch.objects.get(pk=batch.pk)


def test_waiting_batch_without_worker_is_shown_to_department_and_office(
    client, operator_user, admin_user, user_password, api_client_scjg, waiting_batch
):
    client.force_login(operator_user)
    page = client.get(f"/console/batches/{waiting_batch.public_id}/").content.decode()
    assert "后台处理进程未在运行" in page and "无需重新上传" in page
    _, token = api_client_scjg
    answer = client.get(
        f"/api/v1/batches/{waiting_batch.public_id}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert "后台处理进程未在运行" in answer["notice"]
    client.force_login(admin_user)
    home = client.get("/console/").content.decode()
    assert "1 个批次等待处理已超过设定时间" in home

    liveness.worker_seen()  # a worker runs again: no more warning
    assert WorkerProcess.objects.count() == 1
    client.force_login(operator_user)
    page = client.get(f"/console/batches/{waiting_batch.public_id}/").content.decode()
    assert "后台处理进程未在运行" not in page
    client.force_login(admin_user)
    assert "等待处理已超过设定时间" not in client.get("/console/").content.decode()
