"""Source files at rest (issue 10, item 12): encrypted, private, kept only for a while.

Real files through the real services: a GB18030 CSV with a person's ID number is
uploaded, then its stored bytes, file modes, report, re-run, retention and batch page are
checked.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import types
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from credit.audit.models import ChangeLog
from credit.collection import errors, services, storage
from credit.collection.models import Batch, BatchState
from credit.core.actors import Actor
from credit.core.errors import ServiceError

from .samples import person_id, person_penalty_row, write_csv

pytestmark = pytest.mark.django_db

ID = person_id(1)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _person_file(tmp_path) -> Path:
    return write_csv(tmp_path / "处罚.csv", [person_penalty_row(1), person_penalty_row(2)])


def test_stored_source_is_encrypted_and_private(scjg, run_file, tmp_path, settings):
    batch = run_file(scjg, _person_file(tmp_path))
    assert batch.state == BatchState.DONE and batch.new_rows == 2
    stored = Path(batch.file)
    assert stored.suffix == ".enc" and stored.exists()
    data = stored.read_bytes()
    assert ID.encode() not in data
    assert "王1".encode("gb18030") not in data and "处罚决定".encode("gb18030") not in data
    assert _mode(stored) == 0o600
    assert _mode(stored.parent) == 0o700
    assert _mode(stored.parent.parent) == 0o700  # media/batches
    # Reading it left no clear copy behind.
    assert list((Path(settings.MEDIA_ROOT) / "tmp").glob("*")) == []


def test_report_and_rerun_read_the_encrypted_source(scjg, run_file, tmp_path, settings):
    # A batch whose worker died is queued again only below the attempt limit (default 1:
    # a file that kills its worker is not retried); this test is about reading the source.
    settings.CREDIT_BATCH_MAX_ATTEMPTS = 2
    batch = run_file(scjg, _person_file(tmp_path), dry_run=True)
    assert batch.state == BatchState.DONE and batch.total_rows == 2

    report = services.build_report(Actor.system(), batch, "xlsx")
    assert _mode(report) == 0o600
    sheet = load_workbook(io.BytesIO(report.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][-4] == "校验通过"
    text = "".join(str(v) for row in rows for v in row)
    assert ID not in text and ID[:6] + "********" + ID[-4:] in text

    # A worker died mid-run: recover_batches --rerun reads the source again.
    Batch.objects.filter(pk=batch.pk).update(
        state=BatchState.VALIDATING,
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
        active_key=f"{batch.department_id}:{batch.dataset_id}",
    )
    call_command("recover_batches", "--older-than-minutes", "0", "--rerun")
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE and batch.total_rows == 2 and batch.error_rows == 0


def test_json_push_is_stored_encrypted_too(scjg, catalog):
    batch = services.submit_rows(
        Actor.system(), dataset_code="penalty", department=scjg, items=[person_penalty_row(1)]
    )
    assert batch.state == BatchState.DONE
    assert ID.encode() not in Path(batch.file).read_bytes()
    csv_report = services.build_report(Actor.system(), batch, "csv").read_text("utf-8-sig")
    assert "新增" in csv_report and ID not in csv_report


def _fake_batch():
    return types.SimpleNamespace(
        public_id=uuid.uuid4(), filename="big.csv", file="", source="upload", file_format=""
    )


def test_large_file_round_trips_in_chunks_and_tampering_is_caught(tmp_path):
    batch = _fake_batch()
    content = os.urandom(storage.CHUNK * 2 + 12345)
    source = tmp_path / "big.csv"
    source.write_bytes(content)
    batch.file = str(storage.store(batch, source, "big.csv"))
    with storage.open_source(batch) as clear:
        assert clear.read_bytes() == content
        assert _mode(clear) == 0o600
    assert not clear.exists()

    stored = Path(batch.file)
    whole = stored.read_bytes()
    # Cut off at a chunk boundary: the new last chunk was not written as the last one.
    last = len(whole) - (4 + 12 + 12345 + 16)
    for damaged in (whole[:last], whole[:200] + bytes([whole[200] ^ 1]) + whole[201:]):
        stored.write_bytes(damaged)
        with pytest.raises(storage.SourceUnavailable) as exc, storage.open_source(batch):
            pass
        assert exc.value.code == errors.SOURCE_CORRUPT
        assert "已损坏或被篡改" in exc.value.message

    # A file encrypted for one batch does not open as another's.
    stored.write_bytes(whole)
    other = _fake_batch()
    other.file = batch.file
    with pytest.raises(storage.SourceUnavailable), storage.open_source(other):
        pass


def test_retention_deletes_old_sources_and_the_batch_page_says_so(
    scjg, run_file, tmp_path, client, operator_user, settings
):
    settings.CREDIT_UPLOAD_RETENTION_DAYS = 30
    batch = run_file(scjg, _person_file(tmp_path))
    stored = Path(batch.file)
    actor = Actor.system("保存期限")

    assert storage.purge_expired(actor, now=timezone.now() + dt.timedelta(days=29)) == 0
    assert stored.exists()
    assert storage.purge_expired(actor, now=timezone.now() + dt.timedelta(days=31)) == 1
    batch.refresh_from_db()
    assert batch.file == "" and not stored.exists()
    assert ChangeLog.objects.filter(action="batch_source_deleted").count() == 1

    client.force_login(operator_user)
    page = client.get(f"/console/batches/{batch.public_id}/").content.decode()
    assert "源文件已按保存期限删除" in page
    # The reports were built before the file went, and still download.
    report = client.get(f"/console/batches/{batch.public_id}/report.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert [row[-4] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["新增", "新增"]

    Batch.objects.filter(pk=batch.pk).update(state=BatchState.FAILED)
    with pytest.raises(ServiceError) as exc:
        services.rerun(Actor.system(), Batch.objects.get(pk=batch.pk))
    assert exc.value.code == "source_gone" and "请重新上传" in exc.value.message


def test_the_daily_scheduler_runs_the_retention_job(scjg, run_file, tmp_path, settings):
    settings.CREDIT_UPLOAD_RETENTION_DAYS = 0
    batch = run_file(scjg, _person_file(tmp_path))
    leftover = storage.temp_dir() / "source-left-by-a-killed-worker.csv"
    leftover.write_text(ID)
    os.utime(leftover, (0, 0))
    call_command("scheduler", "--once")
    batch.refresh_from_db()
    assert batch.file == ""
    assert not leftover.exists()


def test_recovery_does_not_stop_on_a_batch_without_its_source(scjg, run_file, tmp_path):
    batch = run_file(scjg, _person_file(tmp_path), dry_run=True)
    Path(batch.file).unlink()
    Batch.objects.filter(pk=batch.pk).update(
        state=BatchState.VALIDATING,
        active_key=f"{batch.department_id}:{batch.dataset_id}",
    )
    call_command("recover_batches", "--older-than-minutes", "0", "--rerun")
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED and batch.active_key is None
