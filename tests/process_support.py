"""Real processes for the fault tests: a database of the suite's kind of their own, the
environment of a `credit` subprocess, free ports, process trees and HTTP polling."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@contextlib.contextmanager
def own_database(tmp_path: Path):
    """(url, query): a new database like the suite's; `query` runs SQL on it."""
    base = settings.DATABASES["default"]
    if base["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"credit_fault_{uuid.uuid4().hex[:8]}"
        dsn = f"host={base['HOST']} port={base['PORT'] or 5432} user={base['USER']} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        own = dsn.replace("dbname=postgres", f"dbname={name}")
        held: list = []

        def query(sql, params=None):
            if not held:
                held.append(psycopg.connect(own, autocommit=True))
            return held[0].execute(sql, params).fetchall()

        try:
            yield f"postgres://{base['USER']}@{base['HOST']}:{base['PORT'] or 5432}/{name}", query
        finally:
            for conn in held:
                conn.close()
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "fault.sqlite3"

        def query(sql, params=None):
            with sqlite3.connect(path, timeout=30) as conn:
                return conn.execute(sql, params or ()).fetchall()

        yield f"sqlite:///{path}", query


def credit_env(url: str, media: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDIT_")}
    env.update(
        CREDIT_DEBUG="1",
        CREDIT_ENV_FILE="",
        CREDIT_DATABASE_URL=url,
        CREDIT_MEDIA_ROOT=str(media),
        CREDIT_BIN=str(BIN),
        DJANGO_SETTINGS_MODULE="credit.settings",
    )
    env.update(extra)
    return env


def credit(env, *args, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "credit.manage", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def prepare_database(env) -> None:
    """Schema, catalog and the departments."""
    credit(env, "migrate", "-v0")
    credit(env, "load_catalog")
    credit(
        env,
        "shell",
        "-c",
        "from credit.accounts.services import seed_departments; "
        "from credit.core.actors import Actor; seed_departments(Actor.system())",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def get(url: str, timeout: float = 10.0, data: bytes | None = None, headers=None) -> int:
    """The HTTP status of a request, or 0 when there was no answer."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, urllib.error.URLError, http.client.HTTPException):
        return 0


class Serve:
    """scripts/serve on a free port, in a session of its own so nothing can outlive the test."""

    def __init__(self, env, log_path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(
            [str(ROOT / "scripts" / "serve"), "127.0.0.1", str(self.port)],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.seen: set[int] = set()

    def wait_until_up(self, limit=180.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            # Every web worker started, not only forked: granian told to stop while a worker
            # is still booting waits for it forever (seen once in CI), and the tests stop a
            # server that is up, not one half-way through its start.
            if (
                get(self.base + "/", timeout=5) == 200
                and len(self.web_workers()) >= 2
                and self.log_text().count("Started worker-") >= 2
            ):
                return
            assert self.proc.poll() is None, "serve exited while starting"
            time.sleep(0.3)
        raise AssertionError("the web server never answered")

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def tree(self) -> list[int]:
        pids = descendants(self.proc.pid)
        self.seen.update(pids)
        return pids

    def granian(self) -> int:
        return next(p for p in children(self.proc.pid) if "granian" in cmdline(p))

    def web_workers(self) -> list[int]:
        try:
            return children(self.granian())
        except StopIteration:
            return []

    def close(self) -> None:
        self.tree()
        for pid in [self.proc.pid, *self.seen]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.log.close()
