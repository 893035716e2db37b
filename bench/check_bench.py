"""Credit check benchmark: the single check by USCC through the full stack, side by side with
a minimal WSGI app doing the same lookup, and the 10,000-subject batch.

Usage:
    uv run python bench/check_bench.py [--subjects 1000000] [--duration 20] [--rounds 4] [--fresh]

Data: PostgreSQL database `credit_bench_checks` on 127.0.0.1:5432 (created with a C.UTF-8
locale, migrated with `credit migrate`), filled with COPY through psycopg: N subjects,
1 % of them on a black list (市场监督管理严重违法失信名单), 0.4 % on a red list (纳税信用A级),
5 % with one shareable penalty record. The data is reused on later runs unless --fresh.

Load: wrk (Debian package) with bench/check_post.lua, 32 connections, 2 threads, each
request a one-subject check of a random registered USCC. Both servers run under granian,
2 workers, production settings (DEBUG off). The minimal app (bench/check_minimal_app.py)
and the platform run side by side on the same database and take turns under load, in
ABBA order over --rounds rounds: on shared vCPUs the machine's speed drifts by tens of
percent from minute to minute, so each round's ratio is taken within the round and the
median round is reported.
The batch is timed from this process over HTTP (urllib): POST, full answer received.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
DB_NAME = "credit_bench_checks"
SERVER = "postgresql://postgres@127.0.0.1:5432"
DSN = f"{SERVER}/{DB_NAME}"
FULL_PORT, MINIMAL_PORT = 8311, 8312

ENV = {
    "CREDIT_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "CREDIT_DEBUG": "0",
    "CREDIT_SECRET_KEY": "bench-secret-key-not-for-production-use-0123456789",
    "CREDIT_FIELD_KEYS": '{"dev1": "00112233445566778899aabbccddeeff"}',
    "CREDIT_FIELD_KEY_ID": "dev1",
    "CREDIT_BLIND_INDEX_KEY": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
    "CREDIT_TOKEN_HASH_KEY": "dev-token-hash-key",
    "CREDIT_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "CREDIT_LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "credit.settings",
    "BENCH_DSN": DSN,
}
os.environ.update(ENV)


def ensure_database(fresh: bool) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if exists and fresh:
            conn.execute(f"DROP DATABASE {DB_NAME}")
            exists = None
        if not exists:
            conn.execute(
                f"CREATE DATABASE {DB_NAME} TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
    with psycopg.connect(DSN, autocommit=True) as conn:
        # The name search needs it; creating it first lets the start-up checks pass.
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    subprocess.run(
        [sys.executable, "-m", "credit.manage", "migrate", "-v", "0"], check=True, env=os.environ
    )


def _columns(model, values: dict) -> tuple[list[str], list]:
    """Every concrete non-pk column of `model`, from `values` or the field default."""
    columns, row = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        name = field.attname
        if name in values:
            value = values[name]
        elif field.null:
            continue
        else:
            value = field.get_default()
        columns.append(name)
        row.append(json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value)
    return columns, row


def copy_rows(conn, model, rows) -> int:
    """COPY dicts into the model's table; the first row fixes the column list."""
    count = 0
    columns = None
    with conn.cursor() as cur:
        copy_cm = None
        for values in rows:
            cols, row = _columns(model, values)
            if columns is None:
                columns = cols
                table = model._meta.db_table
                copy_cm = cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
                copy = copy_cm.__enter__()
            copy.write_row(row)
            count += 1
        if copy_cm is not None:
            copy_cm.__exit__(None, None, None)
    conn.commit()
    return count


def uscc_of(n: int) -> str:
    from credit.core.identifiers import make_uscc

    return make_uscc(f"91210502MB{n:07d}")


def generate(n_subjects: int) -> dict:
    import psycopg
    from django.core.management import call_command
    from django.utils import timezone

    from credit.accounts import services as accounts
    from credit.accounts.models import Department
    from credit.catalog.models import Dataset
    from credit.collection.models import Batch
    from credit.core.actors import Actor
    from credit.core.identifiers import make_uscc
    from credit.lists.models import ListEntry, ListType
    from credit.records.models import Record
    from credit.subjects.models import Subject

    system = Actor.system("bench")
    if not Department.objects.exists():
        accounts.seed_departments(system)
    if not Dataset.objects.filter(code="penalty").exists():
        call_command("load_catalog", verbosity=0)
    have = Subject.objects.count()
    timings = {}
    if have < n_subjects:
        now = timezone.now()
        regions = ["210502", "210503", "210504", "210505", "210521", "210522"]
        start = time.perf_counter()
        with psycopg.connect(DSN) as conn:
            copied = copy_rows(
                conn,
                Subject,
                (
                    {
                        "public_id": f"B{n:09d}",
                        "kind": "organization",
                        "name": f"本溪市测评{n}号商贸有限公司",
                        "name_norm": f"本溪市测评{n}号商贸有限公司",
                        "uscc": make_uscc(f"91210502MB{n:07d}"),
                        "region_code": regions[n % len(regions)],
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(have, n_subjects)
                ),
            )
        timings["subjects_copy_s"] = round(time.perf_counter() - start, 1)
        timings["subjects_copied"] = copied
        ids = dict(Subject.objects.filter(public_id__startswith="B").values_list("public_id", "id"))
        black = ListType.objects.get(code="samr_serious_violation")
        red = ListType.objects.get(code="tax_grade_a")
        today = timezone.localdate()
        begin = today - dt.timedelta(days=60)
        scjg = Department.objects.get(name="本溪市市场监督管理局")

        def entries():
            for n in range(have, n_subjects):
                for every, list_type in ((100, black), (250, red)):
                    if n % every == 0:
                        number = f"本市监列〔2026〕{n}号-{list_type.code}"
                        yield {
                            "list_type_id": list_type.id,
                            "subject_id": ids[f"B{n:09d}"],
                            "department_id": scjg.id,
                            "authority_name": scjg.name,
                            "state": "published",
                            "source": "console",
                            "decision_number": number,
                            "decision_key": number,
                            "decision_date": begin,
                            "period_start": begin,
                            "period_end": begin + dt.timedelta(days=3 * 365),
                            "published_on": begin,
                            "basis": list_type.legal_basis,
                            "created_at": now,
                            "updated_at": now,
                        }

        dataset = Dataset.objects.get(code="penalty")
        batch = Batch.objects.filter(filename="bench-checks").first() or Batch.objects.create(
            dataset=dataset,
            dataset_version=dataset.current_version,
            department=scjg,
            source="file",
            filename="bench-checks",
            state="done",
        )

        def records():
            for n in range(have, n_subjects, 20):
                number = f"本市监罚〔2026〕B{n}号"
                yield {
                    "dataset_id": dataset.id,
                    "dataset_version_id": dataset.current_version_id,
                    "department_id": scjg.id,
                    "subject_id": ids[f"B{n:09d}"],
                    "authority_uscc": scjg.uscc,
                    "authority_name": scjg.name,
                    "doc_number": number,
                    "doc_key": number,
                    "decision_date": begin,
                    "severity": "一般",
                    "data": {"CF_WFXW": "违反产品质量法", "CF_NR": "警告并处罚款2000元"},
                    "content_hash": f"{n:032d}",
                    "received_at": now,
                    "created_batch_id": batch.id,
                    "batch_id": batch.id,
                    "created_at": now,
                    "updated_at": now,
                    "public_from": begin,
                    "public_until": begin + dt.timedelta(days=365),
                    "visibility": "public",
                }

        with psycopg.connect(DSN) as conn:
            timings["entries"] = copy_rows(conn, ListEntry, entries())
            timings["records"] = copy_rows(conn, Record, records())
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE")
    return timings


def make_token() -> str:
    from credit.accounts import services as accounts
    from credit.accounts.models import Department, Scope
    from credit.core.actors import Actor

    system = Actor.system("bench")
    department = Department.objects.get(name="本溪市市场监督管理局")
    client = accounts.create_client(
        system, "招投标交易系统（压测）", department, [Scope.CHECKS_RUN]
    )
    return accounts.issue_token(system, client)


def count_queries(codes: list[str]) -> int:
    """Queries of one single-subject check through the service, measured in-process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from credit.accounts.models import User  # noqa: F401  (app registry warm)
    from credit.checks.store import run_check
    from credit.core.actors import Actor

    actor = Actor.system("bench")
    run_check(actor, "bidding", [{"uscc": codes[0]}], purpose="测试核查")
    with CaptureQueriesContext(connection) as ctx:
        run_check(actor, "bidding", [{"uscc": codes[1]}], purpose="测试核查")
    return len(ctx.captured_queries)


def cpu_per_check(token: str, codes: list[str], n: int = 1000) -> dict:
    """CPU per single check, in-process and one at a time: this Python process and the
    PostgreSQL backend serving it (from /proc), for the platform (token lookup + service)
    and for the minimal app's three reads. Throughput on a shared 2-core machine follows
    the sum of the two, so this says where the difference between the servers goes."""
    import check_minimal_app as minimal
    import psycopg
    from django.db import connection

    from credit.accounts import tokens
    from credit.checks.store import run_check
    from credit.core.actors import Actor

    tick = os.sysconf("SC_CLK_TCK")

    def backend_cpu(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    def platform(code: str) -> None:
        row = tokens.resolve(token)
        run_check(Actor.for_client(row.client), "bidding", [{"uscc": code}], "bench")

    def bare(code: str) -> None:
        with minimal_conn.cursor() as cur:
            subject = cur.execute(minimal.SUBJECT, (code,)).fetchone()
            if subject:
                cur.execute(minimal.ENTRIES, (subject[0],)).fetchall()
                cur.execute(minimal.RECORDS, (subject[0],)).fetchall()

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        platform_pid = cursor.fetchone()[0]
    minimal_conn = psycopg.connect(DSN, autocommit=True)
    minimal_pid = minimal_conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    out = {}
    for label, call, pid in (("platform", platform, platform_pid), ("minimal", bare, minimal_pid)):
        for code in codes[:50]:
            call(code)
        db0, py0 = backend_cpu(pid), time.process_time()
        for code in codes[-n:]:
            call(code)
        out[label] = {
            "python_ms": round((time.process_time() - py0) / n * 1000, 3),
            "postgres_ms": round((backend_cpu(pid) - db0) / n * 1000, 3),
        }
    minimal_conn.close()
    return out


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def start_server(target: str, port: int, threads: int = 4, workers: int = 2) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--workers",
            str(workers),
            # Same for both servers: a few threads per worker, as the portal benchmark uses;
            # granian's default (up to 256 Python threads) only adds GIL contention here.
            "--blocking-threads",
            str(threads),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )
    return process


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def post(url: str, body: dict, token: str = "", timeout: float = 60) -> tuple[int, bytes]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(url: str, token: str, code: str) -> None:
    for _ in range(100):
        try:
            status, body = post(url, single_body(code), token)
            if status == 200:
                return
            raise SystemExit(f"{url} answered {status}: {body[:300]!r}")
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not start")


def single_body(code: str) -> dict:
    return {"scenario": "bidding", "purpose": "bench", "subjects": [{"uscc": code}]}


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def _cpu_by_process() -> dict[tuple[int, int], tuple[str, int, float]]:
    """(command name, process group, CPU seconds so far) of every process on the machine,
    keyed by (pid, start time) so that a reused pid is a new process."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    own = str(os.getpid())  # the sampler itself is not the server under test
    for stat in Path("/proc").glob("[0-9]*/stat"):
        if stat.parent.name == own:
            continue
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        key = (int(stat.parent.name), int(fields[19]))
        found[key] = (comm, int(fields[2]), (int(fields[11]) + int(fields[12])) / tick)
    return found


class CpuSampler:
    """CPU spent during a load run per process. Sampled every 0.2 s, so a process that
    ends during the run (a PostgreSQL backend whose connection was recycled) still counts
    with what it had spent when last seen."""

    def __init__(self):
        self.before = _cpu_by_process()
        self.last = dict(self.before)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.wait(0.2):
            self.last.update(_cpu_by_process())

    def stop(self) -> list[tuple[str, int, float]]:
        """(command name, process group, CPU seconds spent during the run) per process."""
        self.done.set()
        self.thread.join()
        self.last.update(_cpu_by_process())
        spent = []
        for key, (comm, group, seconds) in self.last.items():
            start = self.before.get(key)
            spent.append((comm, group, seconds - (start[2] if start else 0.0)))
        return spent


def cpu_per_request(
    spent: list[tuple[str, int, float]], wrk_seconds: float, server_group: int, requests: int
) -> dict[str, float]:
    """ms of CPU per request during a load run: the server under test (granian and its
    Python workers: the process group it was started in), PostgreSQL, wrk, and whatever
    else ran (the idle other server, the machine's own processes)."""
    server = sum(s for _comm, group, s in spent if group == server_group)
    postgres = sum(s for comm, group, s in spent if comm.startswith("postgres"))
    # wrk's own CPU comes from the children's rusage (it may end between two samples).
    other = sum(s for comm, _group, s in spent if comm != "wrk") - server - postgres
    return {
        "server_ms": round(server / requests * 1000, 3),
        "postgres_ms": round(postgres / requests * 1000, 3),
        "wrk_ms": round(wrk_seconds / requests * 1000, 3),
        "other_ms": round(other / requests * 1000, 3),
    }


def run_wrk(url: str, token: str, codes_file: Path, duration: int, server_group: int) -> dict:
    env = {**os.environ, "BENCH_USCC_FILE": str(codes_file), "BENCH_TOKEN": token}
    sampler = CpuSampler()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c32",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(BENCH / "check_post.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    spent = sampler.stop()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    # wrk has exited by now: its CPU is this process's children's.
    wrk_seconds = (
        children.ru_utime + children.ru_stime - children_before.ru_utime - children_before.ru_stime
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: _ms(re.search(rf"\s{p}%\s+(\S+)", out).group(1)) for p in ("50", "90", "99")}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": round(rps),
        "p50_ms": round(latency["50"], 1),
        "p90_ms": round(latency["90"], 1),
        "p99_ms": round(latency["99"], 1),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "cpu_per_request": cpu_per_request(
            spent, wrk_seconds, server_group, max(1, round(rps * duration))
        ),
        "raw": out,
    }


def _combined(runs: list[dict]) -> dict:
    """A server's figures over its rounds: requests per second over the whole time, and
    its p99 in the worst and the median round."""
    p99 = [r["p99_ms"] for r in runs]
    return {
        "rps": round(statistics.mean(r["rps"] for r in runs)),
        "p99_ms_worst": max(p99),
        "p99_ms_median": statistics.median(p99),
    }


def _without_raw(value):
    if isinstance(value, dict):
        return {k: _without_raw(v) for k, v in value.items() if k != "raw"}
    if isinstance(value, list):
        return [_without_raw(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--batch-runs", type=int, default=3)
    parser.add_argument(
        "--rounds", type=int, default=4, help="load runs per server, taken in turns (ABBA)"
    )
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--threads", type=int, default=4, help="granian blocking threads per worker (both servers)"
    )
    parser.add_argument("--workers", type=int, default=2, help="granian workers (both servers)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)

    ensure_database(args.fresh)
    import django

    django.setup()
    from credit.subjects.models import Subject

    timings = generate(args.subjects)
    print("data:", timings or "reused", "subjects:", Subject.objects.count())
    token = make_token()
    rng = random.Random(7)
    picks = rng.sample(range(args.subjects), 20_000)
    codes = [uscc_of(n) for n in picks[:10_000]]
    codes_file = OUT / "check_codes.txt"
    codes_file.write_text("\n".join(codes) + "\n")
    print("queries per single check (service, in-process):", count_queries(codes))
    cpu = cpu_per_check(token, codes)
    print("CPU per single check, in-process (python, postgres backend):", cpu)
    load_before = load_average()

    servers = {
        "minimal WSGI app": ("bench.check_minimal_app:application", MINIMAL_PORT),
        "platform (full stack)": ("credit.wsgi:application", FULL_PORT),
    }
    runs: dict[str, list[dict]] = {label: [] for label in servers}
    processes = {
        label: start_server(target, port, args.threads, args.workers)
        for label, (target, port) in servers.items()
    }
    results = {}
    try:
        urls = {
            label: f"http://127.0.0.1:{port}/api/v1/checks" for label, (_, port) in servers.items()
        }
        for url in urls.values():
            wait_ready(url, token, codes[0])
            run_wrk(url, token, codes_file, 3, 0)  # warm-up: connections, caches
        # The machine's speed drifts from minute to minute (shared vCPUs): the two servers
        # take turns, in ABBA order, and each round's ratio is taken within the round.
        order = list(servers)
        for round_no in range(args.rounds):
            for label in order if round_no % 2 == 0 else order[::-1]:
                group = processes[label].pid  # started in a session of its own
                runs[label].append(run_wrk(urls[label], token, codes_file, args.duration, group))
        url = urls["platform (full stack)"]
        batch_codes = [uscc_of(n) for n in picks[10_000:20_000]]
        times = []
        for _ in range(args.batch_runs):
            body = {
                "scenario": "bidding",
                "purpose": "bench batch",
                "subjects": [{"uscc": c} for c in batch_codes],
            }
            started = time.perf_counter()
            status, answer = post(url, body, token, timeout=120)
            times.append(time.perf_counter() - started)
            assert status == 200, answer[:300]
        if times:
            results["batch"] = {
                "seconds": [round(t, 2) for t in times],
                "best_s": round(min(times), 2),
                "summary": json.loads(answer)["summary"],
                "bytes": len(answer),
            }
    finally:
        for process in processes.values():
            stop_server(process)
    for label, label_runs in runs.items():
        results[label] = {"rounds": label_runs, **_combined(label_runs)}
    ratios = [
        round(full["rps"] / minimal["rps"], 3)
        for minimal, full in zip(
            runs["minimal WSGI app"], runs["platform (full stack)"], strict=True
        )
    ]
    results["ratio"] = {"per_round": ratios, "median": statistics.median(ratios)}

    results["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "cpu_per_check": cpu,
        "server": f"granian --interface wsgi --workers {args.workers} "
        f"--blocking-threads {args.threads}",
        "load": f"wrk -t2 -c32 -d{args.duration}s --latency -s bench/check_post.lua, "
        f"{args.rounds} rounds ABBA",
    }
    print(f"\nload average before {load_before}, after {load_average()}")
    print()
    print(
        "| round | server | req/s | p50 ms | p90 ms | p99 ms | non-2xx "
        "| CPU ms/request: server, PostgreSQL, wrk, other |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for round_no in range(args.rounds):
        for label in ("minimal WSGI app", "platform (full stack)"):
            r = runs[label][round_no]
            cpu = r["cpu_per_request"]
            print(
                f"| {round_no + 1} | {label} | {r['rps']} | {r['p50_ms']} | {r['p90_ms']} | "
                f"{r['p99_ms']} | {r['non_2xx']} "
                f"| {cpu['server_ms']}, {cpu['postgres_ms']}, {cpu['wrk_ms']}, {cpu['other_ms']} |"
            )
    for label in ("minimal WSGI app", "platform (full stack)"):
        r = results[label]
        print(
            f"{label}: {r['rps']} req/s over all rounds, p99 worst round {r['p99_ms_worst']} ms, "
            f"median round {r['p99_ms_median']} ms"
        )
    print(
        f"\nratio platform/minimal per round: {results['ratio']['per_round']}, "
        f"median {results['ratio']['median']:.2f}"
    )
    if "batch" in results:
        batch = results["batch"]
        print(
            f"10,000-subject batch by USCC: runs {batch['seconds']} s (best {batch['best_s']} s), "
            f"answer {batch['bytes'] / 1e6:.1f} MB, summary {batch['summary']}"
        )
    (OUT / "check_bench.json").write_text(
        json.dumps(
            _without_raw(results)
            | {"measured_at": dt.datetime.now().isoformat(timespec="seconds")},
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
