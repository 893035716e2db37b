"""Evaluation benchmark: grade every subject of a synthetic registry on PostgreSQL, and
regrade one subject after a fact event.

Data: bench/portal_data.py (COPY) into its own database (default credit_bench_evaluation,
never the portal benchmark's), ~3 records per subject (40 % 一般 penalties, a tenth of them
made 严重, the rest licences), plus set-based registration data: 80 % of subjects 存续 with a
founding date spread over 20 years, 5 % 注销 (not graded), the rest without registration
data (graded, flagged).

    .tools/bin/uv run --frozen python bench/evaluation_bench.py --subjects 1000000 --records 3000000
    (--reuse: keep the loaded database and only grade again)

Prints: load times, the full evaluation (first run writes every grade; second run with
unchanged facts writes none), the grade distribution, and the time from the commit of a
withdrawal to the subject's new grade (the outbox delivery running the subscriber), p50/p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal_data  # noqa: E402


def _registrations() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO subjects_subjectregistration (subject_id, name, entity_type, legal_rep,"
            " established_on, address, business_scope, authority, authority_uscc, status,"
            " approved_on, source, recorded_at)"
            " SELECT id, name, '', '', CURRENT_DATE - (id % 7300)::int, '', '', '', '',"
            " CASE WHEN id % 20 = 19 THEN 'deregistered' ELSE 'active' END,"
            " CURRENT_DATE - (id % 7300)::int, 'bench', now()"
            " FROM subjects_subject WHERE id % 20 = 19 OR id % 10 < 8"
        )
        cursor.execute(
            "UPDATE subjects_subject s SET reg_status = r.status"
            " FROM subjects_subjectregistration r WHERE r.subject_id = s.id"
        )
        cursor.execute(
            "UPDATE records_record SET severity = '严重' WHERE severity = '一般' AND id % 10 = 0"
        )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _load(args) -> None:
    portal_data.recreate_database("postgresql")
    portal_data.migrate("postgresql")
    portal_data.setup_django("postgresql")
    timings = portal_data.load("postgresql", args.subjects, args.records)
    timings["registrations"] = _registrations()
    for name, seconds in timings.items():
        print(f"load {name}: {seconds:.1f} s")


def _distribution() -> dict[str, int]:
    from django.db.models import Count

    from credit.evaluation.models import Grade

    rows = Grade.objects.filter(is_current=True).values("grade").annotate(n=Count("id"))
    return {r["grade"]: r["n"] for r in sorted(rows, key=lambda r: r["grade"])}


def _regrade_after_event(samples: int) -> list[float]:
    """Seconds from the commit of a withdrawal to the subject's new grade."""
    from credit.core.actors import Actor
    from credit.evaluation.models import Grade
    from credit.facts import events
    from credit.records import services as record_services
    from credit.records.models import Record

    actor = Actor.system("bench")
    graded = Grade.objects.filter(is_current=True).values_list("subject_id", flat=True)
    candidates = list(
        Record.objects.filter(
            dataset__code="penalty",
            visibility="public",
            withdrawn_at__isnull=True,
            subject_id__in=graded[: samples * 50],
        ).order_by("id")[: samples * 5]
    )
    times, seen = [], set()
    for record in candidates:
        if record.subject_id in seen or len(times) == samples:
            continue
        seen.add(record.subject_id)
        before = Grade.objects.get(subject_id=record.subject_id, is_current=True)
        record_services.withdraw(actor, record, "基准测试：撤回")  # commits
        committed = time.perf_counter()
        events.deliver_pending()
        after = Grade.objects.get(subject_id=record.subject_id, is_current=True)
        times.append(time.perf_counter() - committed)
        assert after.pk != before.pk or after.details != before.details, "not regraded"
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=3_000_000)
    parser.add_argument("--database", default="credit_bench_evaluation")
    parser.add_argument("--reuse", action="store_true", help="不重新生成数据，只重新评价")
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    portal_data.BENCH_DB = args.database
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()}")
    if not args.reuse:
        _load(args)
    else:
        portal_data.setup_django("postgresql")

    from credit.core.actors import Actor
    from credit.evaluation import services
    from credit.evaluation.models import Grade

    actor = Actor.system("bench")
    services.load_model(actor)
    if args.reuse:
        Grade.objects.all().delete()
    for run in ("first (writes every grade)", "second (facts unchanged)"):
        started = time.perf_counter()
        counts = services.evaluate(actor=actor)
        seconds = time.perf_counter() - started
        print(
            f"full evaluation, {run}: {seconds:.1f} s — graded {counts['graded']:,},"
            f" new grade rows {counts['changed']:,}; load average {os.getloadavg()[0]:.2f}"
        )
    print(f"distribution: {_distribution()}")
    times = _regrade_after_event(args.samples)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"regrade one subject after a withdrawal, commit → new grade ({len(times)} samples):"
        f" p50 {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms,"
        f" max {times[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
