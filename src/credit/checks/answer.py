"""Building a credit check's answer (信用核查): lists, records and measures of the
resolved subjects, as plain dicts (no ORM instances per item).

Verdicts: each matched subject gets `verdicts`, a list ordered most serious first and
drawn from 命中黑名单, 有不良记录, 命中红名单, 无不良记录 (a subject on both lists carries
both list labels; 无不良记录 appears when there is neither a black entry nor a negative
record, so a red-listed subject with a clean record reads [命中红名单, 无不良记录]). `verdict`
is the first of them.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from credit import facts
from credit.accounts import permissions
from credit.catalog import queries as catalog
from credit.checks.models import CreditCheck, Feedback, Verdict
from credit.checks.resolve import (
    MAX_SUBJECTS,
    METHOD_LABELS,
    STATUS_LABELS,
    SubjectQuery,
    _chunk_size,
    _chunks,
    _in,
    _input_out,
    _subject_out,
    _text,
)
from credit.core import deadlines
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError
from credit.core.masking import mask_text_ids
from credit.facts import disputes
from credit.lists.queries import current_entries
from credit.measures.models import Measure, Scenario
from credit.measures.queries import applicable_measures, check_records
from credit.records.models import Record

DEFAULT_FEEDBACK_WORKDAYS = 5


def feedback_workdays() -> int:
    """Working days a department has to give feedback (setting CREDIT_CHECK_FEEDBACK_WORKDAYS)."""
    return int(getattr(settings, "CREDIT_CHECK_FEEDBACK_WORKDAYS", DEFAULT_FEEDBACK_WORKDAYS))


# Scenarios and measures change a few times a year in the admin; every check would
# otherwise pay queries for them (a hit's measures cost more than the rest of the check).
# Each process re-reads them after CATALOG_TTL seconds, and at once after a save in this
# process (`forget_catalog`, connected in apps.py).
CATALOG_TTL = 30.0
_scenarios: dict[str, Scenario] = {}
# Scenario id -> the departments limited to it; a scenario absent here is open to all.
_scenario_departments: dict[int, frozenset[int]] = {}
_scenarios_at = 0.0
_measure_sets: dict[tuple, list[Measure]] = {}
_measure_sets_at = 0.0


def forget_catalog(*args, **kwargs) -> None:
    """Signal receiver: a scenario, measure or list type changed; read them again, now and
    once the change has committed (a check in between may have read the old rows)."""
    global _scenarios_at, _measure_sets_at
    _scenarios_at = _measure_sets_at = 0.0
    if kwargs.get("signal") is not None:
        transaction.on_commit(forget_catalog, using=kwargs.get("using"))


def _scenario(code: str) -> Scenario:
    global _scenarios, _scenario_departments, _scenarios_at
    now = time.monotonic()
    if now - _scenarios_at > CATALOG_TTL:
        _scenarios = {
            s.code: s for s in Scenario.objects.filter(active=True).only("id", "code", "name")
        }
        limited: dict[int, set[int]] = {}
        for scenario_id, department_id in Scenario.departments.through.objects.values_list(
            "scenario_id", "department_id"
        ):
            limited.setdefault(scenario_id, set()).add(department_id)
        _scenario_departments = {k: frozenset(v) for k, v in limited.items()}
        _scenarios_at = now
    scenario = _scenarios.get(code)
    if scenario is None:
        raise ServiceError("unknown_scenario", f"未知的业务场景：{code}")
    return scenario


def scenario_allowed(actor: Actor, scenario: Scenario) -> bool:
    """May the actor's department check subjects in this scenario? The credit office may
    use every scenario; other departments those not limited to other departments."""
    if actor.is_credit_admin:
        return True
    allowed = _scenario_departments.get(scenario.pk)
    return allowed is None or actor.department_id in allowed


def _purpose(purpose) -> str:
    """核查事由 is required: a check of a person by ID number with no stated reason is the
    kind of query the access log exists to catch."""
    text = " ".join(_text(purpose).split())
    if not text:
        raise ServiceError(
            "purpose_required",
            "请填写核查事由（如审批事项名称、项目编号或采购编号）：信用核查必须说明事由",
            status=422,
        )
    return text


# --- what is known about the matched subjects --------------------------------------------


def shared_negative_records(
    subject_ids: list[int], today: dt.date | None = None
) -> dict[int, list[dict]]:
    """The 不良 records a credit check may see (the kernel's rule for checks: shareable by
    共享属性, not withdrawn, publication not ended), for many subjects at once and without
    an access-log row per call: the check writes its own access log for the whole batch.
    """
    found: dict[int, list[dict]] = {}
    visible = check_records(today)
    for chunk in _chunks(subject_ids, _chunk_size()):
        rows = (
            visible.filter(_in(Record, "subject_id", chunk))
            .order_by("subject_id", "-decision_date", "-id")
            .values(
                "subject_id",
                "dataset__code",
                "dataset__name",
                "doc_number",
                "decision_date",
                "authority_name",
                "severity",
                "data",
                "dataset_version_id",
                "dataset_version__definition_hash",
            )
        )
        for row in rows:
            found.setdefault(row["subject_id"], []).append(
                record_out(
                    row["dataset__code"],
                    row["dataset__name"],
                    row["doc_number"],
                    row["decision_date"].isoformat(),
                    row["authority_name"],
                    row["severity"],
                    row["data"],
                    row["dataset_version_id"],
                    row["dataset_version__definition_hash"],
                )
            )
    return found


def mark_disputed(records: dict[int, list[dict]], entries: dict[int, list[dict]]) -> None:
    """Put the kernel's 异议标注 on the answer's records and list entries (`disputed`),
    in place: one indexed query for the subjects, one more only when one is disputed."""
    subject_ids = {*records, *entries}
    for rows in records.values():
        for row in rows:
            row["disputed"] = False
    for rows in entries.values():
        for row in rows:
            row["out"]["disputed"] = False
    record_ids = disputes.disputed_of_subjects(facts.RECORD, subject_ids) if records else set()
    entry_ids = disputes.disputed_of_subjects(facts.LIST_ENTRY, subject_ids) if entries else set()
    if record_ids:
        keys = set(
            Record.objects.filter(pk__in=record_ids).values_list("dataset__code", "doc_number")
        )
        for rows in records.values():
            for row in rows:
                row["disputed"] = (row["dataset"], row["doc_number"]) in keys
    if entry_ids:
        keys = set(
            facts.kind(facts.LIST_ENTRY)
            .model._default_manager.filter(pk__in=entry_ids)
            .values_list("list_type__code", "decision_number")
        )
        for rows in entries.values():
            for row in rows:
                out = row["out"]
                out["disputed"] = (out["list_type"], out["decision_number"]) in keys


def record_out(
    dataset,
    dataset_name,
    doc_number,
    decision_date,
    authority,
    severity,
    data,
    version_id,
    version_hash,
):
    """A shared negative record as the answer shows it (dates already ISO strings). Its
    `summary` holds the fields its dataset's catalog attributes name for checks
    (`check_fields`), by label; the rest of the row stays out, since the answer goes to a
    business system that needs the decision, not the whole row."""
    data = data or {}
    return {
        "dataset": dataset,
        "dataset_name": dataset_name,
        "doc_number": doc_number,
        "decision_date": decision_date,
        "authority": authority,
        "severity": severity,
        "summary": {
            label: mask_text_ids(str(data[code]))
            for code, label in catalog.check_fields(version_id, version_hash)
            if data.get(code)
        },
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def entry_out(
    list_type_id: int,
    code: str,
    name: str,
    color: str,
    authority: str,
    decision_number: str,
    decision_date: str | None,
    period_start: str | None,
    period_end: str | None,
    basis: str,
) -> dict:
    """A current list entry: `out` is what the answer shows, the rest drives verdict and measures."""
    return {
        "list_type_id": list_type_id,
        "color": color,
        "list_name": name,
        "out": {
            "list_type": code,
            "list_name": name,
            "color": color,
            "authority": authority,
            "decision_number": decision_number,
            "decision_date": decision_date,
            "period_start": period_start,
            "period_end": period_end,
            "basis": basis,
        },
    }


def _entry_of(entry) -> dict:
    list_type = entry.list_type
    return entry_out(
        entry.list_type_id,
        list_type.code,
        list_type.name,
        list_type.color,
        entry.authority_name or list_type.authority_label,
        entry.decision_number,
        _iso(entry.decision_date),
        _iso(entry.period_start),
        _iso(entry.period_end),
        entry.basis or list_type.legal_basis,
    )


def current_entry_dicts(subject_ids: list[int], today: dt.date) -> dict[int, list[dict]]:
    """`lists.queries.current_entries` as `entry_out` dicts, per subject id."""
    return {
        subject_id: [_entry_of(e) for e in entries]
        for subject_id, entries in current_entries(subject_ids, today).items()
    }


def _measure_out(measure: Measure, triggering: dict[int, str]) -> dict:
    because = [name for lt_id, name in triggering.items() if lt_id in measure._list_type_ids]
    return {
        "code": measure.code,
        "class": measure.measure_class,
        "class_label": measure.get_measure_class_display(),
        "kind": measure.kind,
        "kind_label": measure.get_kind_display(),
        "text": measure.text,
        "legal_basis": measure.legal_basis,
        "implementer": measure.implementer,
        "targets": measure.targets_display,
        "period": measure.period_note,
        "because": [f"列入{name}" for name in because],
    }


def _applicable(list_type_ids: frozenset[int], scenario_code: str, kind: str) -> list[Measure]:
    """`applicable_measures`, kept per process (see CATALOG_TTL). The Measure objects are
    shared between requests and only read."""
    global _measure_sets, _measure_sets_at
    now = time.monotonic()
    if now - _measure_sets_at > CATALOG_TTL:
        _measure_sets = {}
        _measure_sets_at = now
    key = (list_type_ids, scenario_code, kind)
    measures = _measure_sets.get(key)
    if measures is None:
        measures = applicable_measures(list_type_ids, scenario_code, kind)
        for measure in measures:
            measure._list_type_ids = {lt.id for lt in measure.list_types.all()}
        _measure_sets[key] = measures
    return measures


class _MeasureCache:
    """Applicable measures of one check's scenario, and each measure by code."""

    def __init__(self, scenario_code: str):
        self.scenario_code = scenario_code
        self.by_code: dict[str, Measure] = {}

    def get(self, list_type_ids: frozenset[int], kind: str) -> list[Measure]:
        measures = _applicable(list_type_ids, self.scenario_code, kind)
        for measure in measures:
            self.by_code[measure.code] = measure
        return measures


def verdicts_for(black: int, red: int, records: int) -> list[str]:
    out = []
    if black:
        out.append(Verdict.BLACK.value)
    if records:
        out.append(Verdict.BAD.value)
    if red:
        out.append(Verdict.RED.value)
    if not black and not records:
        out.append(Verdict.CLEAN.value)
    return out


# --- the service --------------------------------------------------------------------------


def _department_name(actor: Actor) -> str:
    holder = actor.client or actor.user
    department = getattr(holder, "department", None) if actor.department_id else None
    return department.name if department is not None else ""


def _feedback_due(today: dt.date) -> dt.date:
    """The feedback deadline of a check run on `today`. In a year the working-day calendar
    does not know the check is refused (core.deadlines.DeadlineUnknown), before anything is
    stored: a Monday–Friday guess would shorten the period over the new-year holidays."""
    return deadlines.due_date(today, feedback_workdays())


def _check_actor(actor: Actor) -> None:
    permissions.require_run_check(actor)


def _validated(actor: Actor, scenario_code: str, subjects: list, purpose: str):
    _check_actor(actor)
    if not subjects:
        raise ServiceError("no_subjects", "请至少提供一个核查主体")
    if len(subjects) > MAX_SUBJECTS:
        raise ServiceError("too_many_subjects", f"一次最多核查 {MAX_SUBJECTS} 个主体")
    purpose = _purpose(purpose)
    scenario = _scenario(scenario_code)
    if not scenario_allowed(actor, scenario):
        raise PermissionDenied(
            f"本部门未开通“{scenario.name}”场景的信用核查，请联系信用办", "scenario_not_allowed"
        )
    return scenario, purpose


def _item_out(
    index: int,
    query: SubjectQuery,
    res: dict,
    entries: dict,
    records: dict,
    measures: _MeasureCache,
    counts: dict,
) -> tuple[dict, tuple | None]:
    """One subject's part of the answer, counted into `counts`; with its hit, if any:
    (index, row, verdicts, applicable measures, (black, red, records))."""
    status = res["status"]
    counts[status] += 1
    item = {
        "index": index,
        "input": _input_out(query),
        "status": status,
        "status_label": STATUS_LABELS[status],
    }
    if status != "matched":
        item["message"] = res["message"]
        item["candidates"] = [
            {k: v for k, v in c.items() if k != "id"} for c in res.get("candidates", [])
        ]
        return item, None
    row = res["row"]
    subject_entries = entries.get(row["id"], [])
    black = [e["out"] for e in subject_entries if e["color"] == "black"]
    red = [e["out"] for e in subject_entries if e["color"] == "red"]
    subject_records = records.get(row["id"], [])
    list_types = {e["list_type_id"]: e["list_name"] for e in subject_entries}
    applicable = measures.get(frozenset(list_types), row["kind"]) if list_types else []
    verdicts = verdicts_for(len(black), len(red), len(subject_records))
    item.update(
        resolution=_resolution_out(res),
        subject=_subject_out(row, query.id_number),
        verdict=verdicts[0],
        verdicts=verdicts,
        black_entries=black,
        red_entries=red,
        records=subject_records,
        measures=[_measure_out(m, list_types) for m in applicable],
    )
    for label in verdicts:
        counts[label] += 1
    if not (black or red or subject_records):
        return item, None
    counts["hit"] += 1
    counts["measures"] += len(applicable)
    return item, (index, row, verdicts, applicable, (len(black), len(red), len(subject_records)))


def _resolution_out(res: dict) -> dict:
    return {
        "method": res["method"],
        "method_label": METHOD_LABELS[res["method"]],
        "score": res["score"],
        "reasons": res["reasons"],
    }


def _duplicate_out(index: int, query: SubjectQuery, res: dict, first: dict, counts: dict) -> dict:
    """A subject listed again (one bidder in several lots): its own input and how that
    matched, the first row's answer, marked, and counted once: no second hit, feedback
    duty or access-log row."""
    counts["duplicates"] += 1
    return {
        **first,
        "index": index,
        "input": _input_out(query),
        "resolution": _resolution_out(res),
        "duplicate_of": first["index"],
    }


def _answer_out(actor, scenario, purpose: str, now, due, counts: dict, items: list) -> dict:
    summary = {
        "subjects": len(items),
        "matched": counts["matched"],
        "ambiguous": counts["ambiguous"],
        "not_found": counts["not_found"],
        "invalid": counts["invalid"],
        "hits": counts["hit"],
        "black": counts[Verdict.BLACK.value],
        "red": counts[Verdict.RED.value],
        "bad_records": counts[Verdict.BAD.value],
        "clean": counts[Verdict.CLEAN.value],
        "measures": counts["measures"],
        "duplicates": counts["duplicates"],
    }
    return {
        "id": None,
        "scenario": {"code": scenario.code, "name": scenario.name},
        "purpose": purpose,
        "created_at": timezone.localtime(now).isoformat(),
        "department": _department_name(actor),
        "requested_by": actor.label,
        "feedback_due": due.isoformat() if due else None,
        "summary": summary,
        "items": items,
    }


def answer_with_feedback(check: CreditCheck) -> dict:
    """The stored answer plus the current state of its feedback."""
    answer = dict(check.answer)
    answer["id"] = check.pk
    rows = Feedback.objects.filter(check_run=check).select_related("check_subject")
    answer["feedback"] = [feedback_out(f) for f in rows]
    return answer


def feedback_out(row: Feedback, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    subject = row.check_subject
    return {
        "index": subject.position,
        "subject": subject.subject_label,
        "measure": row.measure_code,
        "due_date": row.due_date.isoformat(),
        "given": row.given_at is not None,
        "overdue": row.given_at is None and deadlines.Clock(row.due_date).breached(today),
        "applied": row.applied,
        "reason": row.reason,
        "result": row.result,
        "given_at": row.given_at.isoformat() if row.given_at else None,
        "given_by": row.given_by,
    }
