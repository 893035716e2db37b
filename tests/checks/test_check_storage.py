"""How checks and their access-log rows are stored: the answer kept verbatim as evidence,
newest first in the order written, time columns indexed for date ranges."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.utils import timezone

from credit.audit import queries as audit_queries
from credit.audit.models import AccessLog
from credit.checks import stats
from credit.checks.models import CreditCheck
from credit.checks.store import ACCESS_RESOURCE, check_answer, visible_checks
from credit.core.actors import Actor

from .test_checks_helpers import make_subject, put_on_list, uscc

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="column types and index methods of PostgreSQL"
)


def _stored(check_id: int) -> CreditCheck:
    return CreditCheck.objects.get(pk=check_id)


def test_every_store_path_reads_back_the_answer_given(actor):
    clean = make_subject("本溪市存证清白有限公司", code=uscc(310001))
    black = make_subject("本溪市存证失信有限公司", code=uscc(310002))
    put_on_list(black, "samr_serious_violation")
    # One clean subject (lean store on PostgreSQL), one hit (one-statement store), and a
    # batch (the ORM): each answer comes back from the database as it was given.
    answers = [
        check_answer(actor, "bidding", [{"uscc": clean.uscc}], purpose="存证"),
        check_answer(actor, "bidding", [{"uscc": black.uscc}], purpose="存证"),
        check_answer(
            actor,
            "bidding",
            [{"uscc": clean.uscc}, {"name": "本溪市存证失信有限公司"}],
            purpose="测试核查",
        ),
    ]
    for answer in answers:
        stored = _stored(answer["id"]).answer
        assert stored == {**answer, "id": stored["id"]}
    assert [item["verdict"] for item in _stored(answers[1]["id"]).answer["items"]] == ["命中黑名单"]


def test_checks_and_access_log_list_newest_first(actor, admin_user):
    subject = make_subject("本溪市顺序有限公司", code=uscc(310003))
    ids = [
        check_answer(actor, "bidding", [{"uscc": subject.uscc}], purpose="测试核查")["id"]
        for _ in range(3)
    ]
    # Clocks may step back (or two requests share a millisecond): the lists keep the order
    # the rows were written in.
    CreditCheck.objects.filter(pk=ids[-1]).update(created_at=timezone.now() - dt.timedelta(1))
    listed = list(visible_checks(actor).values_list("id", flat=True))
    assert listed[:3] == ids[::-1]
    logged = list(
        audit_queries.accesses(audit_queries.LogFilter(object_id=str(subject.id)))
        .filter(resource=ACCESS_RESOURCE)
        .values_list("purpose", flat=True)
    )
    assert [purpose.rsplit("#", 1)[1] for purpose in logged] == [str(i) for i in ids[::-1]]


def test_date_range_reads_still_find_their_rows(actor, admin_user):
    subject = make_subject("本溪市区间有限公司", code=uscc(310004))
    first = check_answer(actor, "bidding", [{"uscc": subject.uscc}], purpose="测试核查")["id"]
    second = check_answer(actor, "bidding", [{"uscc": subject.uscc}], purpose="测试核查")["id"]
    last_month = timezone.now() - dt.timedelta(days=40)
    CreditCheck.objects.filter(pk=first).update(created_at=last_month)
    AccessLog.objects.filter(purpose__endswith=f"#{first}").update(at=last_month)
    today = timezone.localdate()
    this_month = stats.monthly_stats(Actor.for_user(admin_user), today.replace(day=1))
    assert this_month["totals"]["checks"] == 1
    since_yesterday = audit_queries.accesses(
        audit_queries.LogFilter(date_from=today - dt.timedelta(days=1), object_id=str(subject.id))
    )
    assert [p.rsplit("#", 1)[1] for p in since_yesterday.values_list("purpose", flat=True)] == [
        str(second)
    ]


@postgres_only
def test_postgres_keeps_the_answer_as_json_text_and_brin_time_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_name = %s AND column_name = 'answer'",
            [CreditCheck._meta.db_table],
        )
        assert cursor.fetchone()[0] == "json"
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN (%s, %s)",
            [CreditCheck._meta.db_table, AccessLog._meta.db_table],
        )
        indexes = dict(cursor.fetchall())
    assert "USING brin (created_at)" in indexes["creditcheck_created_brin"]
    assert "USING brin (at)" in indexes["accesslog_at_brin"]
    # No B-tree left on either time column: each would cost every check an index entry.
    btree_on_time = [
        name
        for name, definition in indexes.items()
        if "btree" in definition and ("(created_at)" in definition or "(at)" in definition)
    ]
    assert btree_on_time == []


@postgres_only
def test_postgres_keeps_the_answer_as_written(actor):
    subject = make_subject("本溪市原文有限公司", code=uscc(310005))
    answer = check_answer(actor, "bidding", [{"uscc": subject.uscc}], purpose="测试核查")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT answer::text FROM {CreditCheck._meta.db_table} WHERE id = %s", [answer["id"]]
        )
        text = cursor.fetchone()[0]
        cursor.execute(
            "SELECT a.attcompression, 'lz4' = ANY(s.enumvals) FROM pg_attribute a,"
            " pg_settings s WHERE a.attrelid = %s::regclass AND a.attname = 'answer'"
            " AND s.name = 'default_toast_compression'",
            [CreditCheck._meta.db_table],
        )
        compression, has_lz4 = cursor.fetchone()
    # Keys in the order the platform wrote them (jsonb would sort them by length).
    pairs = json.loads(text, object_pairs_hook=lambda pairs: pairs)
    assert [key for key, _value in pairs] == list(answer)
    # The type change kept the column's LZ4 compression (reset by the migration).
    assert compression == ("l" if has_lz4 else "")


def test_the_answer_cannot_be_searched_inside_on_either_database():
    with pytest.raises(FieldError):
        CreditCheck.objects.filter(answer__summary__hits__gt=0)
    with pytest.raises(FieldError):
        CreditCheck.objects.filter(answer={"id": 1})
    assert CreditCheck.objects.filter(answer__isnull=True).count() == 0


def test_time_indexes_exist_on_either_database():
    # Declared on the models, so Django keeps them when SQLite rebuilds a table.
    with connection.cursor() as cursor:
        checks_table = connection.introspection.get_constraints(cursor, CreditCheck._meta.db_table)
        log_table = connection.introspection.get_constraints(cursor, AccessLog._meta.db_table)
    assert checks_table["creditcheck_created_brin"]["columns"] == ["created_at"]
    assert log_table["accesslog_at_brin"]["columns"] == ["at"]
