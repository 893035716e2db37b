"""Running and storing a credit check (the answer whole on the CreditCheck, hits and the
access log), and reading stored checks back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import defaultdict

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from credit.accounts import permissions
from credit.audit import context as audit_context
from credit.audit import services as audit
from credit.checks import fastpath
from credit.checks.answer import (
    _answer_out,
    _duplicate_out,
    _feedback_due,
    _item_out,
    _MeasureCache,
    _validated,
    current_entry_dicts,
    mark_disputed,
    shared_negative_records,
)
from credit.checks.models import CheckSubject, CreditCheck, Feedback
from credit.checks.resolve import SubjectQuery, resolve, unmatched_label, uscc_resolution
from credit.core.actors import Actor
from credit.core.errors import NotFound
from credit.core.identifiers import IdentifierError, validate_uscc
from credit.core.pgcursor import server_cursor
from credit.measures.models import Measure

# The access log's resource code; it predates the checks app and old rows hold it.
ACCESS_RESOURCE = "measures.check"


def check_answer(actor: Actor, scenario_code: str, subjects: list, purpose: str = "") -> dict:
    """Run and store a check; its answer as the API gives it.

    One subject asked for by code against which nothing is held — most calls from an
    approval or bidding system — is answered and stored by `_clean_single` in two
    statements; everything else by `run_check`.
    """
    scenario, purpose = _validated(actor, scenario_code, subjects, purpose)
    queries = [SubjectQuery.of(raw) for raw in subjects]
    single = None
    if len(queries) == 1:
        answer, single = _clean_single(actor, scenario, queries[0], purpose)
        if answer is not None:
            return answer
    return _run(actor, scenario, purpose, queries, timezone.now(), None, single).answer


def _clean_single(actor: Actor, scenario, query: SubjectQuery, purpose: str):
    """(answer, None) — the stored answer — for one subject by valid USCC that is not
    registered, or is on no list and has no shareable negative record; (None, what was
    read) for a hit, which `_run` stores with its feedback rows; (None, None) for any
    other request (and on databases other than PostgreSQL).

    The answer is built by the same `_item_out`/`_answer_out` as `run_check`'s, and the
    check and its access-log row are stored by one statement (`fastpath.store_single`).
    """
    db = connections[DEFAULT_DB_ALIAS]  # one thread-local lookup for the whole check
    if not query.uscc or db.vendor != "postgresql":
        return None, None
    try:
        code = validate_uscc(query.uscc)
    except IdentifierError:
        return None, None
    now = timezone.now()
    with server_cursor(db) as cursor:
        today = timezone.localdate(now, timezone.get_default_timezone())
        found = fastpath.lookup_uscc(cursor, code, today)
        if found is not None and (found[1] or found[2]):
            return None, fastpath.resolved(query, code, found)
        row = found[0] if found is not None else None
        counts = defaultdict(int)
        item, _hit = _item_out(
            0,
            query,
            uscc_resolution(query, code, row),
            {},
            {},
            _MeasureCache(scenario.code),
            counts,
        )
        answer = _answer_out(actor, scenario, purpose, now, None, counts, [item])
        request_id = actor.request_id or audit_context.request_id.get()
        answer["id"] = fastpath.store_single(
            cursor,
            (
                actor.department_id,
                actor.user.pk if actor.user is not None else None,
                actor.client.pk if actor.client is not None else None,
                actor.label,
                scenario.pk,
                purpose,
                now,
                1,
                int(row is not None),
                0,
                0,
                None,
                request_id,
            ),
            answer,
            row,
            None,
            access_resource=ACCESS_RESOURCE,
            access_purpose=_access_purpose(scenario, purpose),
            access_label=None if row else unmatched_label(query, "not_found"),
            # Never inside a caller's transaction: the setting would outlive the statement.
            asynchronous=(
                settings.CREDIT_CHECK_ASYNC_COMMIT
                and db.get_autocommit()
                and not db.in_atomic_block
            ),
        )
    return answer, None


def run_check(
    actor: Actor,
    scenario_code: str,
    subjects: list,
    purpose: str = "",
    today: dt.date | None = None,
) -> CreditCheck:
    """Check 1..10,000 subjects for `scenario_code`; store and return the CreditCheck.

    `subjects` are dicts (or objects) with any of uscc, id_number, name, region.
    """
    scenario, purpose = _validated(actor, scenario_code, subjects, purpose)
    queries = [SubjectQuery.of(raw) for raw in subjects]
    return _run(actor, scenario, purpose, queries, timezone.now(), today)


def _run(actor, scenario, purpose, queries, now, today, single=None) -> CreditCheck:
    """run_check's work for validated input; `single` is what `_clean_single` already
    read for a one-subject hit."""
    started = time.perf_counter()
    today = today or timezone.localdate(now)
    if single is None:
        single = fastpath.lookup_single(queries, today)
    if single is not None:
        resolutions, entries, records = single
    else:
        resolutions = resolve(queries)
        matched_ids = list(
            dict.fromkeys(r["row"]["id"] for r in resolutions if r.get("status") == "matched")
        )
        entries = current_entry_dicts(matched_ids, today) if matched_ids else {}
        records = shared_negative_records(matched_ids, today) if matched_ids else {}
    mark_disputed(records, entries)
    measures = _MeasureCache(scenario.code)

    items: list[dict] = []
    hits: list[tuple[int, dict, list[str], list[Measure], tuple[int, int, int]]] = []
    counts = defaultdict(int)
    first_at: dict[int, int] = {}
    for index, (query, res) in enumerate(zip(queries, resolutions, strict=True)):
        subject_id = res["row"]["id"] if res.get("status") == "matched" else None
        if subject_id in first_at:
            items.append(_duplicate_out(index, query, res, items[first_at[subject_id]], counts))
            continue
        if subject_id is not None:
            first_at[subject_id] = index
        item, hit = _item_out(index, query, res, entries, records, measures, counts)
        items.append(item)
        if hit is not None:
            hits.append(hit)

    due = _feedback_due(today) if counts["measures"] else None
    answer = _answer_out(actor, scenario, purpose, now, due, counts, items)
    request_id = actor.request_id or audit_context.request_id.get()
    check = CreditCheck(
        department_id=actor.department_id,
        user=actor.user,
        client=actor.client,
        actor_label=actor.label,
        scenario=scenario,
        purpose=purpose[:200],
        created_at=now,
        subject_count=len(queries),
        matched_count=counts["matched"],
        hit_count=counts["hit"],
        measure_count=counts["measures"],
        feedback_due=due,
        answer=answer,
        request_id=request_id,
    )
    if _store_lean(check, queries, resolutions, hits, scenario):
        answer["id"] = check.pk
        check.elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        return check
    with transaction.atomic():
        check.save(force_insert=True)
        # The stored JSON leaves the id out (it is not known before the insert);
        # `answer_with_feedback` puts it back when the check is read.
        answer["id"] = check.pk
        if hits:
            _store_hits(actor, check, hits, measures, due)
        _log_access(actor, check, scenario, queries, resolutions, request_id)
    check.elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return check


def _store_hits(actor, check, hits, measures: _MeasureCache, due) -> None:
    rows = [
        CheckSubject(
            check_run=check,
            position=index,
            subject_id=row["id"],
            subject_label=row["name"][:200],
            verdicts=verdicts,
            black_count=black,
            red_count=red,
            record_count=records,
        )
        for index, row, verdicts, _applicable, (black, red, records) in hits
    ]
    CheckSubject.objects.bulk_create(rows, batch_size=1000)
    by_position = {
        cs.position: cs.pk for cs in CheckSubject.objects.filter(check_run=check).only("position")
    }
    feedback = [
        Feedback(
            check_run=check,
            check_subject_id=by_position[index],
            department_id=actor.department_id,
            measure=measure,
            measure_code=measure.code,
            due_date=due,
        )
        for index, _row, _verdicts, applicable, _counts in hits
        for measure in applicable
    ]
    Feedback.objects.bulk_create(feedback, batch_size=1000)


def _access_purpose(scenario, purpose: str) -> str:
    # The check number stays last: the audit pages link an entry to its check by it.
    return f"信用核查（{scenario.name}：{purpose[:120]}）#"


def _store_lean(check: CreditCheck, queries, resolutions: list[dict], hits: list, scenario) -> bool:
    """A check of one subject, stored in one statement (`fastpath.store_single`).
    PostgreSQL only; returns False to let the general path store it elsewhere."""
    if connection.vendor != "postgresql" or len(resolutions) != 1:
        return False
    (query,), (res,) = queries, resolutions
    row = res["row"] if res["status"] == "matched" else None
    hit = None
    if hits:
        position, _row, verdicts, applicable, (black, red, records) = hits[0]
        hit = (position, verdicts, applicable, black, red, records)
    with server_cursor() as cursor:
        check.pk = fastpath.store_single(
            cursor,
            (
                check.department_id,
                check.user.pk if check.user is not None else None,
                check.client.pk if check.client is not None else None,
                check.actor_label,
                check.scenario_id,
                check.purpose,
                check.created_at,
                check.subject_count,
                check.matched_count,
                check.hit_count,
                check.measure_count,
                check.feedback_due,
                check.request_id,
            ),
            check.answer,
            row,
            hit,
            access_resource=ACCESS_RESOURCE,
            access_purpose=_access_purpose(scenario, check.purpose),
            access_label=None if row else unmatched_label(query, res["status"]),
        )
    check._state.adding = False
    return True


def _log_access(actor, check, scenario, queries, resolutions, request_id) -> None:
    """Access-log rows, written in bulk: one per subject read (once, however often it was
    listed), and one per query that matched none, naming what was asked for (an answer of
    未找到 also tells something about a person)."""
    if request_id and not actor.request_id:
        actor = dataclasses.replace(actor, request_id=request_id)
    read: dict[int, str] = {}
    unmatched = []
    for query, res in zip(queries, resolutions, strict=True):
        if res.get("status") == "matched":
            read.setdefault(res["row"]["id"], res["row"]["name"])
        else:
            unmatched.append((None, unmatched_label(query, res["status"])))
    audit.log_access_many(
        actor,
        [*read.items(), *unmatched],
        resource=ACCESS_RESOURCE,
        purpose=f"{_access_purpose(scenario, check.purpose)}{check.pk}",
        at=check.created_at,
    )


# --- reading checks -------------------------------------------------------------------------


def visible_checks(actor: Actor):
    """Checks the actor may read: the credit office and auditors all (an auditor follows
    the access log to the answer that was given), a department its own."""
    qs = CreditCheck.objects.select_related("scenario", "department")
    if actor.is_credit_admin or permissions.is_auditor(actor):
        return qs
    if actor.department_id is None:
        return qs.none()
    return qs.filter(department_id=actor.department_id)


def get_check(actor: Actor, check_id: int) -> CreditCheck:
    """A check the actor may read; another department's check is simply not found."""
    check = visible_checks(actor).filter(pk=check_id).first()
    if check is None:
        raise NotFound("信用核查记录不存在")
    return check
