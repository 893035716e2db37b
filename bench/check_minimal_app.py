"""The yardstick for bench/check_bench.py: a bare WSGI app doing the same lookup.

It answers POST {"scenario", "subjects": [{"uscc"}]} for one subject with the same three
reads the credit check needs (the subject by USCC, its list entries in force, its shared
negative records) straight through psycopg, and nothing else: no framework, no auth, no
audit, no storing of the check. Run it under granian like the platform:

    BENCH_DSN=postgres://... granian --interface wsgi --workers 2 bench.check_minimal_app:application
"""

from __future__ import annotations

import os
import threading

import orjson
import psycopg

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/credit_bench_checks")
_local = threading.local()

SUBJECT = (
    "SELECT id, public_id, kind, name, uscc, region_code FROM subjects_subject WHERE uscc = %s"
)
ENTRIES = """
SELECT t.code, t.name, t.color, e.decision_number, e.decision_date, e.period_start, e.period_end
FROM lists_listentry e JOIN lists_listtype t ON t.id = e.list_type_id
WHERE e.subject_id = %s AND e.state IN ('decided', 'published') AND e.period_start <= CURRENT_DATE
  AND (e.period_end IS NULL OR e.period_end >= CURRENT_DATE)
"""
RECORDS = """
SELECT d.code, r.doc_number, r.decision_date, r.authority_name, r.severity
FROM records_record r
JOIN catalog_datasetversion v ON v.id = r.dataset_version_id
JOIN catalog_dataset d ON d.id = r.dataset_id
WHERE r.subject_id = %s AND r.withdrawn_at IS NULL AND v.category = '不良'
  AND v.share_attr IN ('无条件共享', '有条件共享') AND r.visibility NOT IN ('withdrawn', 'ended')
ORDER BY r.decision_date DESC
"""


def _connection() -> psycopg.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(DSN, autocommit=True)
    return conn


def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    request = orjson.loads(environ["wsgi.input"].read(length))
    code = request["subjects"][0]["uscc"]
    with _connection().cursor() as cur:
        subject = cur.execute(SUBJECT, (code,)).fetchone()
        entries = records = []
        if subject:
            entries = cur.execute(ENTRIES, (subject[0],)).fetchall()
            records = cur.execute(RECORDS, (subject[0],)).fetchall()
    body = orjson.dumps(
        {
            "subject": subject
            and dict(
                zip(("id", "public_id", "kind", "name", "uscc", "region"), subject, strict=True)
            ),
            "entries": [list(e) for e in entries],
            "records": [list(r) for r in records],
        },
        default=str,
    )
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
