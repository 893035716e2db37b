"""Killing the worker in the middle of a batch stores nothing, and the batch can be re-run.

This test runs the real processes: a `credit db_worker` is started, a batch is queued,
the worker is killed with SIGKILL while the batch is loading, then the batch is recovered
and processed by a new worker. It uses its own database of the same kind as the suite's.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
ROWS = 20_000


@pytest.fixture
def crash_db(tmp_path):
    """A database URL for the subprocesses plus a function running SQL on it."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("postgresql"):
        import psycopg

        name = f"credit_crash_{uuid.uuid4().hex[:8]}"
        base = settings.DATABASES["default"]
        dsn = f"host={base['HOST']} port={base['PORT'] or 5432} user={base['USER']} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def query(sql):
            with psycopg.connect(dsn.replace("dbname=postgres", f"dbname={name}")) as conn:
                return conn.execute(sql).fetchall()

        yield f"postgres://{base['USER']}@{base['HOST']}:{base['PORT'] or 5432}/{name}", query
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "crash.sqlite3"

        def query(sql):
            with sqlite3.connect(path, timeout=30) as conn:
                return conn.execute(sql).fetchall()

        yield f"sqlite:///{path}", query


def _env(url: str, media: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_")}
    env.update(
        CREDIT_DEBUG="1",
        CREDIT_DATABASE_URL=url,
        CREDIT_MEDIA_ROOT=str(media),
        DJANGO_SETTINGS_MODULE="credit.settings",
    )
    return env


def _credit(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "credit.manage", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def test_worker_killed_while_loading_leaves_no_partial_batch(crash_db, tmp_path):
    url, query = crash_db
    env = _env(url, tmp_path / "media")
    data = tmp_path / "penalties.csv"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "gen_penalties.py"),
            str(data),
            str(ROWS),
            "--subjects",
            "5000",
        ],
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
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "credit.manage",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        state = None
        while time.monotonic() < deadline:
            rows = query("SELECT state FROM collection_batch")
            state = rows[0][0] if rows else None
            if state in ("loading", "done", "failed", "rejected"):
                break
            time.sleep(0.005)
        assert state == "loading", f"the batch never reached loading (state {state})"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert query("SELECT COUNT(*) FROM records_record")[0][0] == 0
    assert query("SELECT COUNT(*) FROM subjects_subject")[0][0] == 0
    assert query("SELECT state FROM collection_batch")[0][0] == "loading"

    recovered = _credit(env, "recover_batches", "--older-than-minutes", "0", "--rerun").stdout
    assert "已重新排队" in recovered
    _credit(env, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    state, new_rows = query("SELECT state, new_rows FROM collection_batch")[0]
    assert state == "done"
    assert new_rows == query("SELECT COUNT(*) FROM records_record")[0][0] > 0
    assert query("SELECT COUNT(*) FROM collection_stagedrow")[0][0] == 0
