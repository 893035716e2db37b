"""The combined fault test (issue 10): under a bounded load of portal reads and credit
checks against a real `scripts/serve` (granian, 2 web workers, supervised worker), one web
worker is killed, every database connection is terminated on the server, and the
background worker is killed in the middle of a batch. After recovery every request
answers, no read ever gave a 500, and the batch is stored exactly once.

PostgreSQL only: it terminates server sessions with pg_terminate_backend.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from django.conf import settings

from tests.process_support import (
    ROOT,
    Serve,
    cmdline,
    credit,
    credit_env,
    get,
    own_database,
    prepare_database,
)

ROWS = 5_000

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="terminates PostgreSQL sessions (pg_terminate_backend)",
)


def _token(env) -> str:
    return (
        credit(
            env,
            "shell",
            "-c",
            "from credit.accounts import services as a; from credit.accounts.models import "
            "Department, Scope; from credit.core.actors import Actor; s = Actor.system(); "
            "c = a.create_client(s, '核查系统', Department.objects.get(uscc='11210500MB1544202W'), "
            "[Scope.CHECKS_RUN]); print(a.issue_token(s, c))",
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def _wait(what, condition, limit=120.0, explain=lambda: ""):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {limit} s {explain()}")


def test_platform_survives_worker_kills_and_dropped_connections(tmp_path):
    with own_database(tmp_path) as (url, query):
        env = credit_env(
            url, tmp_path / "media", CREDIT_WEB_WORKERS="2", CREDIT_BATCH_MAX_ATTEMPTS="2"
        )
        env["CREDIT_WORKER_RECOVER_SECONDS"] = "1"
        # The portal reads below run in a loop from one address: on a quiet machine they
        # pass the anonymous rate limit (429), which is not what this test is about.
        env["CREDIT_RATE_LIMIT_PER_MINUTE"] = "0"
        prepare_database(env)
        token = _token(env)
        data = tmp_path / "penalties.csv"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_penalties.py"), str(data), str(ROWS)],
            check=True,
            cwd=ROOT,
        )
        serve = Serve(env, tmp_path / "serve.log")
        try:
            serve.wait_until_up()
            _run_faults(serve, env, query, token, data)
        finally:
            serve.close()


def _run_faults(serve, env, query, token, data):
    results: list[tuple[str, float, int]] = []  # (kind, time, status)
    stop = threading.Event()
    check = json.dumps(
        {"scenario": "bidding", "purpose": "故障测试", "subjects": [{"name": "不存在的公司"}]}
    ).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def reads():
        while not stop.is_set():
            results.append(("read", time.monotonic(), get(serve.base + "/", timeout=10)))

    def checks():
        while not stop.is_set():
            try:
                status = get(serve.base + "/api/v1/checks", timeout=10, data=check, headers=headers)
            except Exception as exc:  # recorded, so that a failure says what happened
                status = repr(exc)
            results.append(("check", time.monotonic(), status))

    threads = [threading.Thread(target=f) for f in (reads, reads, checks)]
    for thread in threads:
        thread.start()
    try:
        # 1. A web worker dies.
        victim = serve.web_workers()[0]
        os.kill(victim, signal.SIGKILL)
        _wait(
            "web worker respawn", lambda: victim not in (w := serve.web_workers()) and len(w) == 2
        )
        # 2. The database drops every session (web workers, worker, scheduler).
        query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        # 3. The background worker dies in the middle of a batch.
        credit(
            env,
            "shell",
            "-c",
            "from credit.accounts.models import Department; "
            "from credit.collection import services; from credit.core.actors import Actor; "
            "services.submit_file(Actor.system(), dataset_code='penalty', "
            f"department=Department.objects.get(uscc='11210500MB1544202W'), fileobj='{data}', "
            "filename='penalties.csv')",
        )
        _wait(
            "batch start",
            lambda: query("SELECT state FROM collection_batch")[0][0] in ("validating", "loading"),
        )
        workers = [p for p in serve.tree() if " worker " in cmdline(p) + " "]
        assert workers, "no credit worker process"
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        # Recovery: the supervisor starts a worker, which finds the dead run and re-runs it.
        _wait("batch done", lambda: query("SELECT state FROM collection_batch")[0][0] == "done")
        recovered = time.monotonic()
        # Every kind of request answers again after recovery.
        _wait(
            "answers after recovery",
            lambda: {k for k, t, s in results if t > recovered and s == 200} == {"read", "check"},
            limit=60,
            explain=lambda: (
                Counter((k, s) for k, t, s in results if t > recovered),
                Counter((k, s) for k, t, s in results),
            ),
        )
        answered = time.monotonic()
        _wait("more answers", lambda: sum(t > answered for _, t, _ in results) >= 30, limit=60)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    reads_seen = [s for k, _, s in results if k == "read"]
    assert 500 not in reads_seen, "a portal read answered 500"
    after = [(k, s) for k, t, s in results if t > answered]
    assert after and all(s == 200 for _, s in after), sorted(set(after))
    state, attempts, new_rows = query("SELECT state, attempts, new_rows FROM collection_batch")[0]
    assert state == "done" and attempts == 2
    records, keys = query("SELECT COUNT(*), COUNT(DISTINCT doc_key) FROM records_record")[0]
    assert records == keys == new_rows > 0  # stored once, nothing doubled
    assert query("SELECT COUNT(*) FROM collection_stagedrow") == [(0,)]


def test_worker_survives_terminated_connections_and_goes_on(tmp_path):
    """django-tasks' db_worker exits when its session is terminated; `credit worker`
    reconnects, and the same process runs the next upload."""
    with own_database(tmp_path) as (url, query):
        env = credit_env(url, tmp_path / "media")
        prepare_database(env)
        data = tmp_path / "penalties.csv"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_penalties.py"), str(data), "200"],
            check=True,
            cwd=ROOT,
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "credit.manage", "worker", "--no-reload"]
            + ["--no-startup-delay", "--interval", "0.1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(
                "worker start", lambda: query("SELECT COUNT(*) FROM collection_workerprocess")[0][0]
            )
            for _ in range(3):  # the task loop's and the housekeeping thread's sessions
                query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                time.sleep(0.5)
            credit(
                env,
                "shell",
                "-c",
                "from credit.accounts.models import Department; "
                "from credit.collection import services; from credit.core.actors import Actor; "
                "services.submit_file(Actor.system(), dataset_code='penalty', "
                f"department=Department.objects.get(uscc='11210500MB1544202W'), "
                f"fileobj='{data}', filename='penalties.csv')",
            )
            _wait(
                "batch done",
                lambda: query("SELECT state FROM collection_batch")[0][0] == "done",
                explain=lambda: query("SELECT state, message FROM collection_batch"),
            )
            assert worker.poll() is None, "the worker exited"
            assert query("SELECT worker FROM collection_batch")[0][0].endswith(f":{worker.pid}")
        finally:
            worker.kill()
            worker.wait(timeout=30)
