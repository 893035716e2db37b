"""Synthetic registry for the portal benchmarks: N subjects and M records in a fresh database.

Loaded directly with COPY (PostgreSQL) or executemany (SQLite), NOT through the import
path: the import has its own benchmark (bench/import_bench.py); here only the read side
is measured, so the rows just need the shape the portal reads (names with realistic
Chinese structure, a USCC each, ~3 records per subject with computed windows).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Another benchmark names its own database (CREDIT_BENCH_DB or by setting this attribute),
# so that two benchmarks never recreate each other's.
BENCH_DB = os.environ.get("CREDIT_BENCH_DB", "credit_bench_portal")
SQLITE_PATH = ROOT / "bench" / "out" / "portal.sqlite3"
ENV = {
    "CREDIT_SECRET_KEY": "bench-secret-key",
    "CREDIT_FIELD_KEYS": '{"b1": "00112233445566778899aabbccddeeff"}',
    "CREDIT_FIELD_KEY_ID": "b1",
    "CREDIT_BLIND_INDEX_KEY": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
    "CREDIT_TOKEN_HASH_KEY": "bench-token-key",
    "CREDIT_RATE_LIMIT_PER_MINUTE": "0",
    "CREDIT_LOG_LEVEL": "WARNING",
    "CREDIT_MEDIA_ROOT": str(ROOT / "bench" / "out" / "media"),
}

PLACES = [
    "本溪",
    "本溪市",
    "桓仁",
    "本溪满族自治县",
    "平山区",
    "溪湖区",
    "明山区",
    "南芬",
    "辽宁",
    "沈阳",
]
BRAND = (
    "鑫源宏达盛华泰恒通瑞丰嘉和信诚德隆兴旺福顺利安康佳美金银辉煌天地海山川林森"
    "明光亮远航志强伟业博创新益凯旋广聚汇众合力同心永昌祥云龙凤鹏程锦绣东方北南西"
)
TRADES = [
    "钢铁贸易",
    "商贸",
    "建材",
    "食品",
    "餐饮管理",
    "物流",
    "矿业",
    "化工",
    "药业",
    "医疗器械",
    "农业开发",
    "房地产开发",
    "建筑工程",
    "装饰工程",
    "汽车销售",
    "机械制造",
    "电子科技",
    "网络科技",
    "信息技术",
    "文化传媒",
    "旅游开发",
    "酒店管理",
    "环保科技",
    "能源",
    "水泥",
]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "经销处", "商行", "门市部", "超市", "饭店"]
REGIONS = ["210502", "210503", "210504", "210505", "210521", "210522", "210500"]


def subject_name(rng: random.Random) -> str:
    brand = "".join(rng.choice(BRAND) for _ in range(rng.choice((2, 2, 3, 4))))
    return rng.choice(PLACES) + brand + rng.choice(TRADES) + rng.choice(FORMS)


def _uscc(n: int) -> str:
    from credit.core.identifiers import make_uscc

    return make_uscc(f"91210502{n:09d}")


def database_url(engine: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    base = os.environ.get("CREDIT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/credit")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + BENCH_DB))


def setup_django(engine: str) -> None:
    os.environ.update(ENV)
    os.environ["CREDIT_DATABASE_URL"] = database_url(engine)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def recreate_database(engine: str) -> None:
    if engine == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
        return
    import psycopg

    admin = urlunsplit(urlsplit(database_url(engine))._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        # pg_trgm needs a UTF-8 ctype to make trigrams of Chinese text.
        conn.execute(
            f"CREATE DATABASE {BENCH_DB} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )


def migrate(engine: str) -> None:
    env = {**os.environ, **ENV, "CREDIT_DATABASE_URL": database_url(engine)}
    for args in (["migrate", "--noinput", "-v", "0"], ["load_catalog"]):
        subprocess.run(
            [sys.executable, "-m", "credit.manage", *args],
            check=True,
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )


def _record_rows(subject_count: int, records: int, refs: dict, rng: random.Random, now):
    today = dt.date.today()
    for i in range(records):
        sid = refs["first_subject"] + rng.randrange(subject_count)
        is_penalty = rng.random() < 0.4
        decided = today - dt.timedelta(days=rng.randrange(1, 1500))
        if is_penalty:
            until = decided + dt.timedelta(days=365)
            doc = f"本市监罚〔{decided.year}〕{i}号"
            data = {
                "CF_WSH": doc,
                "CF_NR": "警告并处罚款2000元",
                "CF_CFLB": "警告;罚款",
                "CF_SY": "销售不合格产品",
                "CF_JDRQ": decided.isoformat(),
                "CF_CFJG": "本溪市市场监督管理局",
                "CF_FRDB": "张三",
            }
            code = "penalty"
        else:
            until = decided + dt.timedelta(days=rng.choice((365, 1095, 1825)))
            doc = f"本市监许〔{decided.year}〕{i}号"
            data = {
                "XK_WSH": doc,
                "XK_NR": "预包装食品销售",
                "XK_XKLB": "普通",
                "XK_XKWS": "食品经营许可决定书",
                "XK_JDRQ": decided.isoformat(),
                "XK_XKJG": "本溪市市场监督管理局",
                "XK_ZT": "1",
            }
            code = "licence"
        visibility = "public" if until >= today else "ended"
        yield (
            refs[code]["dataset"],
            refs[code]["version"],
            refs["department"],
            sid,
            "11210500MB1544202W",
            "本溪市市场监督管理局",
            doc,
            doc,
            decided,
            "一般" if is_penalty else "",
            json.dumps(data, ensure_ascii=False),
            secrets.token_hex(16),
            1,
            now,
            3,
            False,
            refs["batch"],
            refs["batch"],
            i + 1,
            now,
            now,
            False,
            decided,
            until,
            visibility,
            "",
            "",
        )


RECORD_COLUMNS = (
    "dataset_id, dataset_version_id, department_id, subject_id, authority_uscc, "
    "authority_name, doc_number, doc_key, decision_date, severity, data, content_hash, "
    "version_no, received_at, workdays_to_receipt, is_late, created_batch_id, batch_id, "
    "batch_row, created_at, updated_at, publish_minor, public_from, public_until, visibility, "
    "withdrawn_reason, withdrawn_by"
)
SUBJECT_COLUMNS = (
    "public_id, kind, name, name_norm, uscc, org_code, id_cipher, legal_rep, region_code, "
    "verified, needs_review, created_at, updated_at"
)


def _references() -> dict:
    from credit.accounts import services as accounts
    from credit.accounts.models import Department
    from credit.catalog.models import Dataset
    from credit.collection.models import Batch
    from credit.core.actors import Actor

    accounts.seed_departments(Actor.system("基准测试"))
    department = Department.objects.get(uscc="11210500MB1544202W")
    refs: dict = {"department": department.id}
    for code in ("penalty", "licence"):
        dataset = Dataset.objects.get(code=code)
        refs[code] = {"dataset": dataset.id, "version": dataset.current_version_id}
    refs["batch"] = Batch.objects.create(
        dataset_id=refs["penalty"]["dataset"],
        dataset_version_id=refs["penalty"]["version"],
        department=department,
        source="upload",
        filename="bench",
        state="done",
    ).id
    return refs


def load(engine: str, subjects: int, records: int, seed: int = 20261127) -> dict[str, float]:
    """Fresh database with the synthetic registry; returns timings in seconds."""
    from django.db import connection

    from credit.core.normalize import name_key

    rng = random.Random(seed)
    timings = {}
    refs = _references()
    now = dt.datetime.now(dt.UTC)
    if engine == "sqlite":
        now = _sqlite_datetime(now)
    started = time.perf_counter()

    def subject_rows():
        for n in range(subjects):
            name = subject_name(rng)
            kind = (
                "sole_trader"
                if name.endswith(("经销处", "商行", "门市部", "超市", "饭店"))
                else "organization"
            )
            yield (
                secrets.token_urlsafe(12),
                kind,
                name,
                name_key(name),
                _uscc(n),
                "",
                "",
                "张三",
                rng.choice(REGIONS),
                True,
                False,
                now,
                now,
            )

    if engine == "sqlite":
        connection.close()
        timings.update(_load_sqlite(subject_rows(), subjects, records, refs, rng))
        return timings

    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY subjects_subject ({SUBJECT_COLUMNS}) FROM STDIN") as copy:
            for row in subject_rows():
                copy.write_row(row)
        cursor.execute("SELECT MIN(id) FROM subjects_subject")
        refs["first_subject"] = cursor.fetchone()[0]
    timings["subjects"] = time.perf_counter() - started

    started = time.perf_counter()
    with connection.cursor() as cursor:
        rows = _record_rows(subjects, records, refs, rng, now)
        with cursor.cursor.copy(f"COPY records_record ({RECORD_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("ANALYZE")
    timings["records"] = time.perf_counter() - started
    return timings


FTS_INSERT_TRIGGER = "subjects_subject_fts_ai"
SQLITE_CHUNK = 50_000


def _chunks(rows, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _load_sqlite(subject_rows, subjects: int, records: int, refs: dict, rng) -> dict[str, float]:
    """Bulk load with the stdlib driver, bypassing Django's cursor (which ran at ~3.7 k rows/s).

    Secondary indexes and the FTS insert trigger are captured from sqlite_master, dropped for
    the load and recreated verbatim afterwards, and the FTS table is rebuilt in one pass, so the
    file ends up with exactly the schema the migrations made.
    """
    import sqlite3

    timings = {}
    db = sqlite3.connect(SQLITE_PATH, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    db.execute("PRAGMA temp_store=MEMORY")
    saved = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND "
        "((type = 'index' AND tbl_name IN ('subjects_subject', 'records_record')) "
        "OR (type = 'trigger' AND name = ?))",
        [FTS_INSERT_TRIGGER],
    ).fetchall()
    for kind, name, _sql in saved:
        db.execute(f'DROP {kind.upper()} "{name}"')

    started = time.perf_counter()
    marks = ", ".join(["?"] * 13)
    for chunk in _chunks(subject_rows, SQLITE_CHUNK):
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO subjects_subject ({SUBJECT_COLUMNS}) VALUES ({marks})", chunk)
        db.execute("COMMIT")
    refs["first_subject"] = db.execute("SELECT MIN(id) FROM subjects_subject").fetchone()[0]
    timings["subjects"] = time.perf_counter() - started

    started = time.perf_counter()
    marks = ", ".join(["?"] * 27)
    now = _sqlite_datetime(dt.datetime.now(dt.UTC))
    for chunk in _chunks(_record_rows(subjects, records, refs, rng, now), SQLITE_CHUNK):
        db.execute("BEGIN")
        db.executemany(f"INSERT INTO records_record ({RECORD_COLUMNS}) VALUES ({marks})", chunk)
        db.execute("COMMIT")
    timings["records"] = time.perf_counter() - started

    started = time.perf_counter()
    for _kind, _name, sql in saved:
        db.execute(sql)
    db.execute("INSERT INTO subjects_subject_fts(subjects_subject_fts) VALUES ('rebuild')")
    db.execute("ANALYZE")
    # The app's connections run in WAL mode (settings.py); leave the file the way they expect.
    db.execute("PRAGMA journal_mode=WAL")
    timings["indexes"] = time.perf_counter() - started
    db.close()
    return timings


def _sqlite_datetime(value: dt.datetime) -> str:
    # The text Django's SQLite backend stores for an aware datetime with USE_TZ: naive UTC.
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))
