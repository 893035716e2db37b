"""Subject profile page throughput: granian serving the app, wrk as the load generator.

Usage (after bench/search_bench.py has loaded credit_bench_portal):
    uv run python bench/profile_bench.py [--engine postgresql] [--connections 32] [--seconds 30]

Starts `granian --interface wsgi --workers 2 --blocking-threads 4 credit.wsgi:application`
on 127.0.0.1:8765 in
production mode against the benchmark database (rate limit off: CREDIT_RATE_LIMIT_PER_MINUTE=0),
then runs wrk (Debian package `wrk`) with a Lua script cycling through 2,000 profile URLs of
random subjects that have records, so the database is not answering one cached page.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import portal_data  # noqa: E402

PORT = 8765


def profile_paths(n: int, seed: float) -> list[str]:
    """The same `n` random subjects with records for the same seed, so runs of two versions
    read the same pages (about half of them 404: their records all left publicity)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute(
            "SELECT s.public_id FROM subjects_subject s WHERE s.id IN "
            "(SELECT subject_id FROM records_record ORDER BY random() LIMIT %s)",
            [n],
        )
        return [f"/subjects/{row[0]}/" for row in cursor.fetchall()]


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError:
            # Answered (a subject whose records all left publicity is a 404 page).
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server did not answer {url}")


def _process_tree(pid: int) -> list[int]:
    """The server process and its workers (granian forks them)."""
    pids = [pid]
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            pids.append(int(path.parent.name))
    return pids


def _backend_pids() -> list[int]:
    """PostgreSQL backends connected to the benchmark database (the server's connections)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the processes (Linux /proc; a process gone since counts 0)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=float, default=0.5, help="which subjects (-1..1)")
    # Each blocking thread keeps its own database connection (CONN_MAX_AGE): granian's
    # default thread count exhausts PostgreSQL's 100 connections.
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    idle = os.getloadavg()
    print(f"load average before the server starts: {idle[0]:.2f} {idle[1]:.2f} {idle[2]:.2f}")
    portal_data.setup_django(args.engine)
    paths = profile_paths(2000, args.seed)
    env = {
        **os.environ,
        **portal_data.ENV,
        "CREDIT_DATABASE_URL": portal_data.database_url(args.engine),
        "CREDIT_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CREDIT_DEBUG": "0",
    }
    command = [
        "granian",
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(PORT),
        "--workers",
        str(args.workers),
        "--blocking-threads",
        str(args.threads),
        "--log-level",
        "warning",
        "credit.wsgi:application",
    ]
    server = subprocess.Popen(command, env=env, cwd=portal_data.ROOT / "src")
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_until_up(base + paths[0])
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write("paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n")
            script.write(
                "i = 0\nrequest = function()\n  i = i % #paths + 1\n"
                "  return wrk.format('GET', paths[i])\nend\n"
            )
        # Warm-up: every worker opens its connection and loads templates.
        subprocess.run(
            ["wrk", "-t2", "-c8", "-d5s", "-s", script.name, base],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wrk = [
            "wrk",
            "-t2",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--latency",
            "-s",
            script.name,
            base,
        ]
        print("server:", " ".join(command))
        print("load:  ", " ".join(wrk))
        # The machine is shared: a load average above the core count means the figures
        # measure the neighbours as much as the page.
        before = os.getloadavg()
        server_pids = _process_tree(server.pid)
        backend_pids = _backend_pids()
        cpu_before = _cpu_seconds(server_pids), _cpu_seconds(backend_pids)
        out = subprocess.run(wrk, check=True, capture_output=True, text=True).stdout
        cpu_after = _cpu_seconds(server_pids), _cpu_seconds(backend_pids)
        after = os.getloadavg()
        print(out)
        print(
            f"load average (1 min) before {before[0]:.2f}, after {after[0]:.2f} "
            f"on {os.cpu_count()} cores"
        )
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if rps and p99:
            scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
            print(
                f"SUMMARY engine={args.engine} connections={args.connections} "
                f"req/s={float(rps.group(1)):.0f} p99={float(p99.group(1)) * scale:.1f} ms "
                f"non-2xx={non2xx.group(1) if non2xx else 0} "
                f"loadavg={before[0]:.2f}->{after[0]:.2f}"
            )
        done = re.search(r"(\d+) requests in", out)
        if done and int(done.group(1)):
            # CPU per request holds still when the machine is shared; req/s does not (it
            # measures the neighbours as much as the page).
            n = int(done.group(1))
            print(
                f"CPU per request: server {(cpu_after[0] - cpu_before[0]) / n * 1000:.3f} ms, "
                f"PostgreSQL backends {(cpu_after[1] - cpu_before[1]) / n * 1000:.3f} ms"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
