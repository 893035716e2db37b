"""Killing the worker in the middle of a batch stores nothing, and the batch can be re-run.

This test runs the real processes: a `credit db_worker` is started, a batch is queued,
the worker is killed with SIGKILL while the batch is loading, then the batch is recovered
and processed by a new worker. It uses its own database of the same kind as the suite's.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.process_support import ROOT, credit_env, own_database
from tests.process_support import credit as _credit

ROWS = 20_000


@pytest.fixture
def crash_db(tmp_path):
    """A database URL for the subprocesses plus a function running SQL on it."""
    with own_database(tmp_path) as (url, query):
        yield url, query


def _env(url: str, media: Path) -> dict[str, str]:
    return credit_env(url, media)


def _prepare(env, data: Path, rows: int = ROWS) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_penalties.py"), str(data), str(rows)]
        + ["--subjects", "5000"],
        check=True,
        cwd=ROOT,
    )
    _credit(env, "migrate", "-v0")
    _credit(env, "load_catalog")
    _credit(
        env,
        "shell",
        "-c",
        "from credit.accounts.services import seed_departments; "
        "from credit.core.actors import Actor; seed_departments(Actor.system())",
    )


def _submit(env, data: Path) -> None:
    _credit(
        env,
        "shell",
        "-c",
        "from credit.accounts.models import Department; from credit.collection import services; "
        "from credit.core.actors import Actor; "
        f"services.submit_file(Actor.system(), dataset_code='penalty', "
        f"department=Department.objects.get(uscc='11210500MB1544202W'), fileobj='{data}', "
        "filename='penalties.csv')",
    )


def _start_worker(env, command="db_worker"):
    return subprocess.Popen(
        [sys.executable, "-m", "credit.manage", command, "--no-reload", "--no-startup-delay"]
        + ["--interval", "0.1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_state(query, wanted, sql="SELECT state FROM collection_batch ORDER BY id DESC"):
    deadline = time.monotonic() + 240
    state = None
    while time.monotonic() < deadline:
        rows = query(sql)
        state = rows[0][0] if rows else None
        if state in wanted or state in ("done", "failed", "rejected"):
            return state
        time.sleep(0.005)
    return state


def _kill_while_loading(env, query) -> None:
    worker = _start_worker(env)
    try:
        state = _wait_state(query, ("loading",))
        assert state == "loading", f"the batch never reached loading (state {state})"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()


def test_worker_killed_while_loading_leaves_no_partial_batch(crash_db, tmp_path):
    """With two attempts allowed, a killed run is queued again once and then succeeds."""
    url, query = crash_db
    env = _env(url, tmp_path / "media") | {"CREDIT_BATCH_MAX_ATTEMPTS": "2"}
    data = tmp_path / "penalties.csv"
    _prepare(env, data)
    _submit(env, data)
    _kill_while_loading(env, query)
    assert query("SELECT COUNT(*) FROM records_record")[0][0] == 0
    assert query("SELECT COUNT(*) FROM subjects_subject")[0][0] == 0
    assert query("SELECT state FROM collection_batch")[0][0] == "loading"

    recovered = _credit(env, "recover_batches", "--rerun").stdout
    assert "已重新排队" in recovered
    if url.startswith("postgres"):
        # The killed worker's session (and any statement it ran) is gone from the server.
        # Only this test's database: tests running in parallel have workers of their own.
        assert query(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name LIKE 'credit-worker:%' "
            "AND datname = current_database()"
        ) == [(0,)]
    _credit(env, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    state, new_rows, attempts = query("SELECT state, new_rows, attempts FROM collection_batch")[0]
    assert state == "done" and attempts == 2
    assert new_rows == query("SELECT COUNT(*) FROM records_record")[0][0] > 0
    assert query("SELECT COUNT(*) FROM collection_stagedrow")[0][0] == 0


def test_batch_that_killed_its_worker_is_not_rerun_and_department_uploads_again(crash_db, tmp_path):
    """A poison batch: after the first crash it is failed with a reason, never requeued."""
    url, query = crash_db
    env = _env(url, tmp_path / "media")
    data = tmp_path / "penalties.csv"
    _prepare(env, data)
    _submit(env, data)
    _kill_while_loading(env, query)

    recovered = _credit(env, "recover_batches", "--rerun").stdout
    assert "不再自动重试" in recovered
    state, message = query("SELECT state, message FROM collection_batch")[0]
    assert state == "failed" and "请检查文件" in message and "重新上传" in message
    # Nothing queued: a later start of the platform does not pick it up again.
    assert "没有中断的批次" in _credit(env, "recover_batches", "--rerun").stdout
    assert (
        query("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'")[0][
            0
        ]
        == 0
    )
    assert query("SELECT COUNT(*) FROM records_record")[0][0] == 0

    _submit(env, data)  # the department uploads again: the failed batch blocks nothing
    _credit(env, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    states = query("SELECT state FROM collection_batch ORDER BY id")
    assert states == [("failed",), ("done",)]


def test_recovery_leaves_a_running_batch_alone_and_its_heartbeat_moves(crash_db, tmp_path):
    """A batch held up inside one long statement (it waits for a lock the test holds) is
    alive because its worker holds it, whatever the age of its heartbeat: recovery leaves it
    alone, its heartbeat keeps moving (PostgreSQL), and it finishes once let go."""
    url, query = crash_db
    env = _env(url, tmp_path / "media") | {"CREDIT_BATCH_HEARTBEAT_SECONDS": "0.1"}
    data = tmp_path / "penalties.csv"
    pg = url.startswith("postgres")
    _prepare(env, data, rows=2_000 if pg else ROWS)
    if pg:
        import psycopg

        blocker = psycopg.connect(url.replace("postgres://", "postgresql://"))
        # The load's INSERT into records waits behind this lock: one long statement.
        blocker.execute("LOCK TABLE records_record IN SHARE MODE")
        phase = "loading"
    else:
        blocker = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        phase = "validating"
    _submit(env, data)
    worker = _start_worker(env)
    try:
        assert _wait_state(query, (phase,)) == phase
        if not pg:  # one writer: the run waits for the test's write transaction
            blocker.execute("BEGIN IMMEDIATE")
        first = query("SELECT heartbeat_at FROM collection_batch")[0][0]
        out = _credit(env, "recover_batches", "--rerun").stdout
        assert "没有中断的批次" in out
        assert query("SELECT state, attempts FROM collection_batch")[0] == (phase, 1)
        last = query("SELECT heartbeat_at FROM collection_batch")[0][0]
        blocker.rollback() if pg else blocker.execute("ROLLBACK")
        assert _wait_state(query, ("done",)) == "done"
    finally:
        blocker.close()
        worker.kill()  # it may be building the reports by now: nothing to wait for
        worker.wait(timeout=30)
    if pg:  # SQLite has one writer: the heartbeat waits as well
        assert last > first, "no heartbeat while the batch waited inside its load"
    state, attempts = query("SELECT state, attempts FROM collection_batch")[0]
    assert state == "done" and attempts == 1
