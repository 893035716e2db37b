"""Credit report benchmark: a public report of a subject with 200 public records.

Usage:
    uv run python bench/report_bench.py [--database-url URL] [--renders 10] [--seconds 20]

URL defaults to $CREDIT_DATABASE_URL (PostgreSQL: the database `<name>_bench` next to it
is dropped and recreated; SQLite: a fresh file under bench/out/). Every figure comes from
the same run, each printed with the machine's load average (the machine may be shared):

1. setup through the real import path: one company with 200 public penalties and
   20 licences (GB18030 CSV, `submit_file`);
2. issuing (cold): dossier read + HTML + WeasyPrint + pyHanko signature, in-process,
   `--renders` times, each forced to render (what the background refresh after a fact
   event costs, or a request that comes before it) — p50/p95 and the split of the time;
3. the floors: WeasyPrint rendering one page with one CJK line (the font subset and
   embedded), pyHanko signing that one-page PDF, and signing the 200-record report;
4. downloading in-process, one client: the first download of a day (reads the facts and
   compares their digest) and a later one (the stored file, `reports/freshness.py`);
5. downloading over HTTP (warm): granian (2 workers) serving the app, 8 client threads
   requesting the report for `--seconds` — requests/s, p50/p95;
6. the verify page by number under wrk (32 connections) — requests/s, p50/p99.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT), str(ROOT / "src")]

# check_bench sets its own CREDIT_DATABASE_URL when imported: read ours first.
GIVEN_URL = os.environ.get("CREDIT_DATABASE_URL", "")

import check_bench  # noqa: E402
import import_bench  # noqa: E402

PORT = 8771
RECORDS = 200


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def setup(url: str) -> str:
    """The company's public id, after importing its records through the real path."""
    import django

    os.environ.update(import_bench.child_env(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "credit.settings"
    django.setup()
    from tests.collection.samples import company_uscc, penalty_row, write_csv
    from tests.portal.conftest import licence_row

    from credit.accounts.models import Department
    from credit.collection import services as collection
    from credit.core.actors import Actor
    from credit.subjects.models import Subject

    department = Department.objects.get(uscc=import_bench.DEPARTMENT[1])
    actor = Actor.system("报告基准")
    name, uscc = "本溪市报告基准测试有限公司", company_uscc(777)
    today = dt.date.today()
    penalties = [
        penalty_row(
            n,
            decided=today - dt.timedelta(days=n % 300 + 1),
            **{
                "行政相对人名称": name,
                "行政相对人代码_1（统一社会信用代码）": uscc,
                "处罚内容": f"警告并处罚款{n}千元，责令限期改正违法行为，没收违法所得",
            },
        )
        for n in range(1, RECORDS + 1)
    ]
    licences = [
        licence_row(
            5000 + n,
            decided=today - dt.timedelta(days=30 + n),
            until=today.replace(year=today.year + 2),
            **{"行政相对人名称": name, "行政相对人代码_1（统一社会信用代码）": uscc},
        )
        for n in range(20)
    ]
    for code, rows in (("penalty", penalties), ("licence", licences)):
        path = write_csv(import_bench.OUT / f"report_{code}.csv", rows)
        batch = collection.submit_file(
            actor,
            dataset_code=code,
            department=department,
            fileobj=path,
            filename=path.name,
            run_now=True,
        )
        assert batch.state == "done", (
            batch.message,
            list(batch.errors.values("row", "message")[:5]),
        )
    return Subject.objects.get(uscc=uscc).public_id


def cold(public_id: str, renders: int) -> dict:
    import weasyprint
    from django.conf import settings
    from django.utils import timezone
    from pyhanko.pdf_utils.reader import PdfFileReader

    from credit import facts
    from credit.reports import dossier as dossiers
    from credit.reports import render, signing
    from credit.subjects.models import Subject

    subject = Subject.objects.get(public_id=public_id)
    signing.signer()  # load the key once, as a serving process does
    split: dict[str, list[float]] = {k: [] for k in ("total", "read", "html", "pdf", "sign")}
    size = pages = 0
    for i in range(renders):
        started = time.perf_counter()
        dossier = dossiers.build(subject, facts.Audience.PUBLIC)
        dossier.digest()
        read = time.perf_counter()
        # render.pdf, step by step (the same calls), to see where the time goes.
        number = f"{i:022d}"
        url = render.verify_url(number)
        page = render.html(
            "reports/public_report.html",
            {
                "number": number,
                "issued_at": timezone.now(),
                "dossier": dossier,
                "counts": list(dossier.counts.items()),
                "advice": dossier.advice,
                "verify_url": url,
                "qr": render.qr_data_uri(url),
                "issuer": settings.CREDIT_REPORT_ISSUER,
            },
        )
        html = time.perf_counter()
        unsigned = weasyprint.HTML(string=page, base_url=str(settings.BASE_DIR)).write_pdf(
            pdf_identifier=number.encode(), uncompressed_pdf=False
        )
        laid = time.perf_counter()
        data = signing.sign(unsigned, reason="基准")
        done = time.perf_counter()
        for key, value in (
            ("total", done - started),
            ("read", read - started),
            ("html", html - read),
            ("pdf", laid - html),
            ("sign", done - laid),
        ):
            split[key].append(value)
        size = len(data)
        pages = int(PdfFileReader(io.BytesIO(data)).root["/Pages"]["/Count"])
    return {
        "renders": renders,
        "p50": statistics.median(split["total"]),
        "p95": pct(split["total"], 95),
        "split": {k: statistics.median(v) for k, v in split.items()},
        "bytes": size,
        "pages": pages,
        "unsigned": unsigned,
    }


def floors(unsigned_report: bytes, rounds: int = 5) -> dict:
    """What no change to the report's layout can go below: WeasyPrint laying out and writing
    one page with the CJK font subset and embedded, pyHanko signing that page."""
    import weasyprint

    from credit.reports import signing

    page = (
        "<html><body style=\"font-family: 'Noto Sans CJK SC'\">"
        "<p>公共信用信息报告</p></body></html>"
    )
    empty, sign_empty, sign_report = [], [], []
    for _ in range(rounds):
        started = time.perf_counter()
        one = weasyprint.HTML(string=page).write_pdf()
        laid = time.perf_counter()
        signing.sign(one, reason="基准")
        signed = time.perf_counter()
        signing.sign(unsigned_report, reason="基准")
        done = time.perf_counter()
        empty.append(laid - started)
        sign_empty.append(signed - laid)
        sign_report.append(done - signed)
    return {
        "empty_page": statistics.median(empty),
        "sign_empty": statistics.median(sign_empty),
        "sign_report": statistics.median(sign_report),
    }


def downloads_in_process(public_id: str, rounds: int = 20) -> dict:
    """One client: the first download of a day (facts read, digest compared, the stored file)
    and a later one (the stored file after freshness.confirmed_today)."""
    from credit.facts import events
    from credit.reports import services
    from credit.reports.models import CreditReport
    from credit.subjects.models import Subject

    events.deliver_pending()  # the import's events, as the on-commit task does
    subject = Subject.objects.get(public_id=public_id)
    actor = services.anonymous("127.0.0.1")
    report, _ = services.public_report(actor, subject)
    checked, stored = [], []
    for _ in range(rounds):
        CreditReport.objects.filter(pk=report.pk).update(confirmed_on=None)
        started = time.perf_counter()
        services.public_report(actor, subject)
        middle = time.perf_counter()
        again, _ = services.public_report(actor, subject)
        done = time.perf_counter()
        assert again.pk == report.pk
        checked.append(middle - started)
        stored.append(done - middle)
    return {"checked": statistics.median(checked), "stored": statistics.median(stored)}


def warm(public_id: str, seconds: int, threads: int = 8) -> dict:
    url = f"http://127.0.0.1:{PORT}/api/v1/public/subjects/{public_id}/report.pdf"
    with urllib.request.urlopen(url, timeout=300) as response:  # the report of step 4
        number = response.headers["X-Report-Number"]
        response.read()
    with urllib.request.urlopen(url, timeout=300) as response:  # confirms it for today
        response.read()
    latencies: list[float] = []
    errors = [0]
    stop = time.time() + seconds
    lock = threading.Lock()

    def worker():
        while time.time() < stop:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
                    ok = response.headers["X-Report-Number"] == number
            except OSError:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    begun = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - begun
    return {
        "number": number,
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p95": pct(latencies, 95),
    }


def verify_rps(number: str, seconds: int) -> str:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c32",
            f"-d{seconds}s",
            "--latency",
            f"http://127.0.0.1:{PORT}/verify/{number}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line.strip() for line in out.splitlines()]
    keep = [line for line in lines if line.startswith(("Requests/sec", "50%", "99%", "Non-2xx"))]
    return "; ".join(keep)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=GIVEN_URL)
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    url = import_bench.bench_url(args.database_url or "sqlite:///x")
    import_bench.OUT.mkdir(parents=True, exist_ok=True)
    import_bench.fresh_database(url)
    import_bench.prepare(url)
    print(f"database {url.split('@')[-1]}, load {load_average()}")
    public_id = setup(url)
    c = cold(public_id, args.renders)
    sp = c["split"]
    print(
        f"issue (cold, in-process, {c['renders']} renders, {c['pages']} pages, "
        f"{c['bytes'] // 1024} KB): p50 {c['p50']:.2f} s, p95 {c['p95']:.2f} s; medians: "
        f"dossier read {sp['read'] * 1000:.0f} ms, HTML {sp['html'] * 1000:.0f} ms, "
        f"WeasyPrint {sp['pdf']:.2f} s, signature {sp['sign'] * 1000:.0f} ms; "
        f"load {load_average()}"
    )
    f = floors(c["unsigned"])
    print(
        f"floors: WeasyPrint one CJK page {f['empty_page'] * 1000:.0f} ms, "
        f"signing it {f['sign_empty'] * 1000:.0f} ms, signing the report "
        f"{f['sign_report'] * 1000:.0f} ms; load {load_average()}"
    )
    d = downloads_in_process(public_id)
    print(
        f"download in-process, one client: first of the day (facts read) "
        f"{d['checked'] * 1000:.1f} ms, later (stored file) {d['stored'] * 1000:.1f} ms; "
        f"load {load_average()}"
    )
    # Production mode with fixed development keys (the records were encrypted with them).
    os.environ.update(
        {
            **check_bench.ENV,
            "CREDIT_DATABASE_URL": url,
            "CREDIT_MEDIA_ROOT": str(import_bench.OUT / "media"),
            "CREDIT_RATE_LIMIT_PER_MINUTE": "0",
            "CREDIT_REPORT_PER_MINUTE": "0",
            "CREDIT_DEMO": "1",  # signs with the demo certificate the cold run created
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    server = check_bench.start_server("credit.wsgi:application", PORT)
    try:
        deadline = time.time() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/verify/", timeout=5).read()
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("the server did not answer within 180 s") from None
                time.sleep(0.5)
        w = warm(public_id, args.seconds)
        print(
            f"download (warm, 8 threads, {args.seconds} s): {w['rps']:.1f} req/s, "
            f"p50 {w['p50'] * 1000:.0f} ms, p95 {w['p95'] * 1000:.0f} ms, "
            f"{w['requests']} requests, {w['errors']} errors; load {load_average()}"
        )
        print(f"verify page (wrk -c32, {args.seconds} s): {verify_rps(w['number'], args.seconds)}")
    finally:
        check_bench.stop_server(server)


if __name__ == "__main__":
    main()
