"""Public lists under load, and what that load does to the credit-check API (issue 10 item 7).

Usage:
    uv run python bench/publicload_bench.py [--subjects 300000] [--records 1000000] [--fresh]
        [--connections 32] [--seconds 20]

Data: PostgreSQL database `credit_bench_publicload` filled by bench/portal_data.py (COPY,
not the import path): N subjects, M records, 40 % penalties (public one year) and 60 %
licences (public one to five years). Loaded once and reused unless --fresh; the tables
are ANALYZEd before the runs.

Server: granian, 2 workers, 4 blocking threads, production settings (DEBUG off), no Redis
(the rate limit counts in the database table core_ratecounter, the default).

Runs, each with wrk (Debian package) `-t2 -c<connections>`:
1. the licences list, then the penalties list, alone, with the rate limit off
   (CREDIT_RATE_LIMIT_PER_MINUTE=0): req/s, p50, p90 — wrk cycles through the first
   50 pages so the database is not answering one cached page;
2. the credit check alone (wrk -c4, bench/check_post.lua): its p50/p90 when idle;
3. the penalties list under load (32 connections) and, at the same time, the credit check
   (4 connections): the check's p90 while the lists are loaded, rate limit off;
4. the same with the rate limit on (CREDIT_RATE_LIMIT_PER_MINUTE=--limit, default 120):
   once the limit is used the list's answers are 429, and the check's p90 shows what
   that protects (--only-limited runs this one alone).

The machine is shared (2 vCPUs, other engineers' tests and benchmarks run at the same
time): the load average is printed before each run, and the figures vary with it.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import portal_data  # noqa: E402

portal_data.BENCH_DB = "credit_bench_publicload"
BENCH = Path(__file__).resolve().parent
PORT = 8105
CHECK_PATH = "/api/v1/checks"


def ensure_data(subjects: int, records: int, fresh: bool) -> None:
    import psycopg

    admin = portal_data.database_url("postgresql").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1)) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (portal_data.BENCH_DB,)
        ).fetchone()
    if fresh or not exists:
        portal_data.recreate_database("postgresql")
        portal_data.migrate("postgresql")
        portal_data.setup_django("postgresql")
        timings = portal_data.load("postgresql", subjects, records)
        print(f"loaded {subjects:,} subjects, {records:,} records: {timings}")
    else:
        portal_data.migrate("postgresql")  # this branch's migrations (indexes) on reused data
        portal_data.setup_django("postgresql")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT d.code, count(*) FROM records_record r JOIN catalog_dataset d "
            "ON d.id = r.dataset_id WHERE r.visibility = 'public' GROUP BY d.code ORDER BY 1"
        )
        print("public records:", dict(cursor.fetchall()))


def make_token() -> str:
    from credit.accounts import services as accounts
    from credit.accounts.models import Department, Scope
    from credit.core.actors import Actor

    system = Actor.system("bench")
    department = Department.objects.get(uscc="11210500MB1544202W")
    client = accounts.create_client(
        system, "招投标交易系统（公示压测）", department, [Scope.CHECKS_RUN]
    )
    return accounts.issue_token(system, client)


def uscc_file() -> Path:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT uscc FROM subjects_subject WHERE uscc <> '' ORDER BY id LIMIT 5000")
        codes = [row[0] for row in cursor.fetchall()]
    path = Path(tempfile.mkstemp(suffix=".txt")[1])
    path.write_text("\n".join(codes) + "\n")
    return path


def list_script(path: str) -> Path:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    pages = [f"{path}?page={n}" for n in range(1, 51)]
    script.write_text(
        "paths = {" + ",".join(f'"{p}"' for p in pages) + "}\n"
        "i = 0\nrequest = function()\n  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\nend\n"
    )
    return script


def start_server(rate_limit: int) -> subprocess.Popen:
    env = {
        **os.environ,
        **portal_data.ENV,
        "CREDIT_DATABASE_URL": portal_data.database_url("postgresql"),
        "CREDIT_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CREDIT_DEBUG": "0",
        "CREDIT_RATE_LIMIT_PER_MINUTE": str(rate_limit),
        "CREDIT_REDIS_URL": "",
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
        "2",
        "--blocking-threads",
        "4",
        "--log-level",
        "warning",
        "credit.wsgi:application",
    ]
    server = subprocess.Popen(
        command, env=env, cwd=portal_data.ROOT / "src", start_new_session=True
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/publicity/licences/", timeout=10):
                return server
        except urllib.error.HTTPError:
            return server  # a 429 is an answer too
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("server did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(args: list[str], env: dict | None = None, path: str = "/") -> dict:
    out = subprocess.run(
        # wrk's default 2 s timeout would drop the slowest answers from the latencies.
        ["wrk", "--latency", "--timeout", "30s", *args, f"http://127.0.0.1:{PORT}{path}"],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: _ms(re.search(rf"\s{p}%\s+(\S+)", out).group(1)) for p in ("50", "90", "99")}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": round(rps, 1),
        "p50": round(latency["50"], 1),
        "p90": round(latency["90"], 1),
        "p99": round(latency["99"], 1),
        "requests": requests,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def show(label: str, result: dict) -> None:
    print(
        f"{label}: {result['rps']} req/s, p50 {result['p50']} ms, p90 {result['p90']} ms, "
        f"p99 {result['p99']} ms, {result['requests']} requests, non-2xx {result['non2xx']}, "
        f"timeouts {result['timeouts']}",
        flush=True,
    )


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} vCPUs"


def together(list_args: list[str], check_args: list[str], check_env: dict) -> tuple[dict, dict]:
    """The list under load and the credit check at the same time, same duration."""
    results: dict[str, dict] = {}
    thread = threading.Thread(target=lambda: results.update(lst=wrk(list_args)))
    thread.start()
    time.sleep(1)  # the list load is running before the check starts
    results["check"] = wrk(check_args, check_env, CHECK_PATH)
    thread.join()
    return results["lst"], results["check"]


class _Skip(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=300_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=20)
    # The limit of the protected run: it must be reached early in the run for the run to
    # show the protection (on a loaded machine the list may not reach 120 in a minute).
    parser.add_argument("--limit", type=int, default=120)
    parser.add_argument("--only-limited", action="store_true", help="skip the runs without limit")
    args = parser.parse_args()

    ensure_data(args.subjects, args.records, args.fresh)
    token = make_token()
    codes = uscc_file()
    check_env = {"BENCH_USCC_FILE": str(codes), "BENCH_TOKEN": token}
    check_args = ["-t1", "-c4", f"-d{args.seconds - 2}s", "-s", str(BENCH / "check_post.lua")]
    conns = ["-t2", f"-c{args.connections}"]
    scripts = {name: list_script(f"/publicity/{name}/") for name in ("licences", "penalties")}

    server = start_server(rate_limit=0) if not args.only_limited else None
    try:
        if server is None:
            raise _Skip
        wrk(["-t2", "-c8", "-d5s", "-s", str(scripts["licences"])])  # warm-up
        wrk(["-t2", "-c8", "-d5s", "-s", str(scripts["penalties"])])
        for name in ("licences", "penalties"):
            print(load())
            show(
                f"{name} list, rate limit off",
                wrk([*conns, f"-d{args.seconds}s", "-s", str(scripts[name])]),
            )
        print(load())
        show("credit check alone (4 connections)", wrk(check_args, check_env, CHECK_PATH))
        print(load())
        listed, checked = together(
            [*conns, f"-d{args.seconds}s", "-s", str(scripts["penalties"])], check_args, check_env
        )
        show("penalties list with the check running, rate limit off", listed)
        show("credit check while the penalties list is loaded, rate limit off", checked)
    except _Skip:
        pass
    finally:
        if server is not None:
            stop_server(server)

    server = start_server(rate_limit=args.limit)
    try:
        print(load())
        listed, checked = together(
            [*conns, f"-d{args.seconds}s", "-s", str(scripts["penalties"])], check_args, check_env
        )
        limited = f"rate limit {args.limit}/min"
        show(f"penalties list with the check running, {limited} (non-2xx = 429)", listed)
        show(f"credit check while the penalties list is loaded, {limited}", checked)
    finally:
        stop_server(server)
    for path in (codes, *scripts.values()):
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
