"""The lean single-subject path (PostgreSQL) answers exactly as the general path does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from credit.checks import fastpath
from credit.checks.answer import current_entry_dicts, shared_negative_records
from credit.checks.models import CheckSubject, CreditCheck, Feedback
from credit.checks.resolve import SubjectQuery, resolve
from credit.checks.store import check_answer, run_check
from credit.core.actors import Actor

from .test_checks_helpers import (  # noqa: F401
    catalog,
    import_penalty,
    make_subject,
    put_on_list,
    uscc,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the lean path exists on PostgreSQL only"
    ),
]


def _general(query: SubjectQuery, today: dt.date):
    resolutions = resolve([query])
    ids = [r["row"]["id"] for r in resolutions if r["status"] == "matched"]
    return (
        resolutions,
        current_entry_dicts(ids, today) if ids else {},
        shared_negative_records(ids) if ids else {},
    )


def _both(raw: dict):
    today = timezone.localdate()
    query = SubjectQuery.of(raw)
    return fastpath.lookup_single([query], today), _general(query, today)


def test_same_reads_for_every_kind_of_subject(import_penalty):  # noqa: F811
    today = timezone.localdate()
    import_penalty(21, 22)
    black = make_subject("本溪市快路黑名单有限公司", code=uscc(200001))
    both = make_subject("本溪市快路双名单有限公司", code=uscc(200002))
    put_on_list(black, "samr_serious_violation")
    put_on_list(both, "samr_serious_violation", start=today - dt.timedelta(days=90))
    put_on_list(both, "tax_grade_a")
    put_on_list(both, "samr_serious_violation", start=today - dt.timedelta(days=10))
    expired = make_subject("本溪市快路期满有限公司", code=uscc(200003))
    put_on_list(
        expired,
        "samr_serious_violation",
        start=today - dt.timedelta(days=400),
        end=today - dt.timedelta(days=1),
    )
    make_subject("本溪市快路清白有限公司", code=uscc(200004))
    asked = [
        {"uscc": uscc(21)},
        {"uscc": uscc(22), "name": "别的名称有限公司"},
        {"uscc": uscc(200001)},
        {"uscc": uscc(200002)},
        {"uscc": uscc(200003)},
        {"uscc": uscc(200004).lower()},
        {"uscc": uscc(299999)},
    ]
    seen = set()
    for raw in asked:
        fast, general = _both(raw)
        assert fast == general, raw
        resolution = fast[0][0]
        seen.add(resolution["status"])
        if fast[1]:
            seen.add("entries")
        if fast[2]:
            seen.add("records")
    assert seen == {"matched", "not_found", "entries", "records"}
    fast, _ = _both({"uscc": uscc(200002)})
    colors = [e["color"] for e in next(iter(fast[1].values()))]
    assert sorted(colors) == ["black", "black", "red"]


def test_other_requests_take_the_general_path(db):
    today = timezone.localdate()
    assert fastpath.lookup_single([SubjectQuery(name="某公司")], today) is None
    assert fastpath.lookup_single([SubjectQuery(uscc="123")], today) is None
    two = [SubjectQuery(uscc=uscc(1)), SubjectQuery(uscc=uscc(2))]
    assert fastpath.lookup_single(two, today) is None


def test_lean_check_stores_check_and_access_log_and_hits(operator_user, import_penalty):  # noqa: F811
    from credit.audit.models import AccessLog

    actor = Actor.for_user(operator_user)
    import_penalty(31)
    clean = make_subject("本溪市快路存储有限公司", code=uscc(200010))
    listed = make_subject("本溪市快路存储黑名单有限公司", code=uscc(200011))
    put_on_list(listed, "samr_serious_violation")
    for subject_code in (uscc(200010), uscc(31), uscc(200011)):
        check = run_check(actor, "bidding", [{"uscc": subject_code}], purpose="快路")
        stored = CreditCheck.objects.get(pk=check.pk)
        assert stored.answer["items"][0]["subject"]["uscc"] == subject_code
        log = AccessLog.objects.get(purpose=f"信用核查（招标投标：快路）#{check.pk}")
        assert log.subject_label == stored.answer["items"][0]["subject"]["name"]
    assert CheckSubject.objects.filter(check_run__purpose="快路").count() == 2
    hit = CheckSubject.objects.get(check_run__purpose="快路", subject=listed)
    assert hit.position == 0 and hit.verdicts == ["命中黑名单"]
    assert (hit.black_count, hit.red_count, hit.record_count) == (1, 0, 0)
    feedback = Feedback.objects.get(check_subject=hit)
    assert feedback.check_run_id == hit.check_run_id and feedback.measure_code == "P-SAMR-02"
    assert feedback.due_date == hit.check_run.feedback_due
    assert feedback.department_id == actor.department_id and feedback.given_at is None
    penalised = CheckSubject.objects.get(check_run__purpose="快路", subject__uscc=uscc(31))
    assert penalised.record_count == 1 and not penalised.feedback.exists()
    assert clean.pk not in set(CheckSubject.objects.values_list("subject_id", flat=True))


def test_token_lookup_sees_revocation_disabling_and_expiry_at_once(api_client_scjg, settings):
    """The lookup itself, with the per-process reuse of token rows turned off (the rows are
    changed behind the platform's back; tests/accounts/test_apiauth.py covers the reuse)."""
    from datetime import timedelta

    settings.CREDIT_TOKEN_CACHE_SECONDS = 0

    from credit.accounts import tokens
    from credit.accounts.models import ApiClient, ApiToken

    api_client, token = api_client_scjg
    key_id = token.split("_")[1]
    first = tokens.resolve(token)
    assert first is not None and first.client.pk == api_client.pk
    assert first.client.department.name and "checks:run" in first.client.scopes
    assert tokens.resolve(token) is first  # unchanged row: the same built objects
    ApiToken.objects.filter(key_id=key_id).update(is_active=False)
    assert tokens.resolve(token) is None
    ApiToken.objects.filter(key_id=key_id).update(is_active=True)
    ApiClient.objects.filter(pk=api_client.pk).update(is_active=False)
    assert tokens.resolve(token) is None
    ApiClient.objects.filter(pk=api_client.pk).update(is_active=True)
    ApiToken.objects.filter(key_id=key_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tokens.resolve(token) is None
    assert tokens.resolve(token[:-1] + ("x" if token[-1] != "x" else "y")) is None


def _without_time(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k not in {"id", "created_at"}}


def test_clean_single_answers_and_stores_as_run_check_does(
    operator_user,
    import_penalty,  # noqa: F811
    monkeypatch,
):
    """`check_answer` answers a one-subject check with nothing against it in two statements;
    the answer and the stored rows are those `run_check` gives, and a hit still goes
    through `run_check` with its feedback rows."""
    from credit.audit.models import AccessLog

    actor = Actor.for_user(operator_user)
    import_penalty(41)
    make_subject("本溪市快路清白核查有限公司", code=uscc(200020))
    asked = [
        {
            "uscc": uscc(200020),
            "name": "本溪市快路清白核查有限责任公司",
        },  # clean, named differently
        {"uscc": uscc(299998)},  # valid code, not registered
        {"uscc": uscc(41)},  # a shareable penalty: a hit
    ]
    for raw in asked:
        lean = check_answer(actor, "bidding", [raw], purpose="快路清白")
        general = run_check(actor, "bidding", [raw], purpose="快路清白").answer
        assert _without_time(lean) == _without_time(general), raw
        stored = CreditCheck.objects.get(pk=lean["id"])
        assert _without_time(stored.answer) == _without_time(lean)
        assert (stored.subject_count, stored.hit_count) == (1, lean["summary"]["hits"])
        assert stored.request_id == CreditCheck.objects.get(pk=general["id"]).request_id
        # One access-log row either way, naming the subject read or the code asked for.
        rows = [
            list(
                AccessLog.objects.filter(
                    purpose=f"信用核查（招标投标：快路清白）#{answer['id']}"
                ).values_list("subject_id", "subject_label")
            )
            for answer in (lean, general)
        ]
        assert len(rows[0]) == 1 and rows[0] == rows[1], raw
    hit = CreditCheck.objects.filter(purpose="快路清白", hit_count=1).order_by("id").first()
    assert hit is not None and CheckSubject.objects.filter(check_run=hit).count() == 1
    # A hit reads the subject once: what the lean path read is handed to the general one.
    reads = []
    real_lookup = fastpath.lookup_uscc

    def counted(*args):
        reads.append(args[1])
        return real_lookup(*args)

    monkeypatch.setattr(fastpath, "lookup_uscc", counted)
    answer = check_answer(actor, "bidding", [{"uscc": uscc(41)}], purpose="测试核查")
    assert answer["summary"]["hits"] == 1 and reads == [uscc(41)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_clean_check_commit_mode_lasts_only_for_its_statement(operator_user, settings):
    """The asynchronous commit of a clean check applies to its own statement only."""
    settings.CREDIT_CHECK_ASYNC_COMMIT = True
    actor = Actor.for_user(operator_user)
    make_subject("本溪市快路提交方式有限公司", code=uscc(200030))
    answer = check_answer(actor, "bidding", [{"uscc": uscc(200030)}], purpose="测试核查")
    assert CreditCheck.objects.filter(pk=answer["id"], hit_count=0).exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
