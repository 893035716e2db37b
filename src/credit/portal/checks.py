"""Start-up check that the database can serve Chinese name search.

pg_trgm makes no trigrams from Chinese text unless the database's character type is
UTF-8 (C.UTF-8 or a UTF-8 locale): search would silently find nothing. SQLite needs FTS5
with the trigram tokenizer (SQLite ≥ 3.34).
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import connections
from django.db.utils import DatabaseError

SEARCH_MIGRATION = "0002_search_indexes"


@register(Tags.database)
def search_backend(app_configs=None, databases=None, **kwargs):
    problems = []
    for alias in databases or []:
        connection = connections[alias]
        try:
            if not _search_migration_applied(connection):
                # A fresh database: migrate is about to create the index; do not block it.
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        problems += _ctype(cursor)
                continue
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    problems += _postgresql(cursor)
                elif connection.vendor == "sqlite":
                    problems += _sqlite(cursor)
        except DatabaseError as exc:
            problems.append(Error(f"无法检查名称检索所需的数据库功能：{exc}", id="portal.E000"))
    return problems


def _search_migration_applied(connection) -> bool:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    return recorder.migration_qs.filter(app="subjects", name=SEARCH_MIGRATION).exists()


def _ctype(cursor) -> list[Error]:
    problems = []
    cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
    ctype = cursor.fetchone()[0]
    if "utf" not in ctype.lower().replace("-", ""):
        problems.append(
            Error(
                f"数据库字符类型为 {ctype}，pg_trgm 无法对中文建立三元组索引",
                hint="用 LC_CTYPE=C.UTF-8 重新创建数据库（createdb --locale=C.UTF-8 -T template0）",
                id="portal.E001",
            )
        )
    return problems


def _postgresql(cursor) -> list[Error]:
    problems = _ctype(cursor)
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    if cursor.fetchone() is None:
        problems.append(
            Error(
                "未安装 pg_trgm 扩展，名称检索不可用",
                hint="执行数据库迁移（credit migrate），或由数据库管理员 CREATE EXTENSION pg_trgm",
                id="portal.E002",
            )
        )
    return problems


def _sqlite(cursor) -> list[Error]:
    cursor.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'subjects_subject_fts'"
    )
    if cursor.fetchone() is None:
        return [
            Error(
                "缺少名称检索索引表 subjects_subject_fts",
                hint="执行数据库迁移（credit migrate）",
                id="portal.E003",
            )
        ]
    return []
