"""scripts/serve, the production start (and `make run`'s): real granian, worker, scheduler.

- A web worker killed with SIGKILL under load is respawned: answers resume.
- Stopping serve (SIGINT/SIGTERM), or the web server exiting, stops every process it
  started, grandchildren included.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from tests.process_support import (
    Serve,
    alive,
    cmdline,
    credit_env,
    get,
    own_database,
    prepare_database,
)


@pytest.fixture
def serve(tmp_path):
    with own_database(tmp_path) as (url, _query):
        env = credit_env(url, tmp_path / "media", CREDIT_WEB_WORKERS="2")
        prepare_database(env)
        running = Serve(env, tmp_path / "serve.log")
        try:
            running.wait_until_up()
            yield running
        finally:
            running.close()


def _all_gone(pids, limit=30.0) -> list[int]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.1)
    return [f"{p} {cmdline(p)}" for p in pids if alive(p)]


@pytest.mark.parametrize("how", ["sigint", "sigterm", "web server exits"])
def test_stopping_serve_stops_every_process_it_started(serve, how):
    started = serve.tree()
    names = " ".join(cmdline(p) for p in started)
    assert "granian" in names and "worker" in names and "scheduler" in names
    if how == "sigint":
        serve.proc.send_signal(signal.SIGINT)
    elif how == "sigterm":
        serve.proc.send_signal(signal.SIGTERM)
    else:
        os.kill(serve.granian(), signal.SIGTERM)
    serve.proc.wait(timeout=60)
    assert _all_gone(started) == []


def test_killed_web_worker_is_respawned_and_answers_resume(serve):
    # (start time, status) of each request: a request already in flight to the killed
    # worker may fail after the respawn is seen; one started after it must not.
    answers: list[tuple[float, int]] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            started = time.monotonic()
            answers.append((started, get(serve.base + "/", timeout=10)))

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        before = serve.web_workers()
        assert len(before) == 2
        os.kill(before[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = serve.web_workers()
            if len(now) == 2 and before[0] not in now:
                break
            time.sleep(0.2)
        assert before[0] not in serve.web_workers() and len(serve.web_workers()) == 2
        respawned = time.monotonic()
        deadline = respawned + 60
        while (
            time.monotonic() < deadline and [s for t, s in answers if t > respawned].count(200) < 10
        ):
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    after = [status for started, status in answers if started > respawned]
    assert after.count(200) >= 10, "answers did not resume"
    # Every request made after the respawn is answered, and answered well.
    assert set(after) == {200}
