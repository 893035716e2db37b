"""Running a credit check (信用核查): resolve subjects, look up lists, records and measures.

Everything is fetched in bulk, whatever the number of subjects: one query per kind of data
and per chunk of ids, never one per subject, so a 10,000-subject batch by code costs about
the same number of queries as a single check. The answer is built as plain dicts (no ORM
instances per item) and stored whole on the CreditCheck.

Verdicts: each matched subject gets `verdicts`, a list ordered most serious first and
drawn from 命中黑名单, 有不良记录, 命中红名单, 无不良记录 (a subject on both lists carries
both list labels; 无不良记录 appears when there is neither a black entry nor a negative
record, so a red-listed subject with a clean record reads [命中红名单, 无不良记录]). `verdict`
is the first of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from credit.accounts import permissions
from credit.audit import context as audit_context
from credit.audit import services as audit
from credit.core import deadlines
from credit.core.actors import Actor
from credit.core.errors import NotFound, PermissionDenied, ServiceError
from credit.core.fieldcrypto import id_digest
from credit.core.identifiers import IdentifierError, validate_id_number, validate_uscc
from credit.core.masking import mask_id_number, mask_text_ids
from credit.core.normalize import strip_control_chars
from credit.core.pgcursor import server_cursor
from credit.lists.queries import current_entries
from credit.measures import fastpath, matching
from credit.measures.check_models import CheckSubject, CreditCheck, Feedback, Verdict
from credit.measures.models import Measure, Scenario
from credit.measures.queries import applicable_measures, check_records
from credit.records.models import Record
from credit.subjects.models import Subject, SubjectKind, SubjectNameHistory

try:
    from credit.subjects.queries import candidates as name_candidates
except ImportError:  # the subject search app is older than this module

    def name_candidates(name: str, region: str | None = None, limit: int = 10) -> list[Subject]:
        """Exact matches of the name's normalised spellings, then substring matches."""
        base = Subject.objects.exclude(kind=SubjectKind.PERSON)
        variants = sorted(matching.name_variants(name))
        found = list(base.filter(name_norm__in=variants).order_by("name", "id")[:limit])
        core = matching.core_name(name)
        if len(found) < limit and len(core) >= 2:
            seen = [s.id for s in found]
            found += list(
                base.filter(name_norm__contains=core).exclude(id__in=seen)[: limit - len(found)]
            )
        return found


MAX_SUBJECTS = 10_000
DEFAULT_FEEDBACK_WORKDAYS = 5
# Bounded so each IN (...) stays within SQLite's parameter limit and PostgreSQL plans stay small.
CHUNK = 900
ACCESS_RESOURCE = "measures.check"

STATUS_LABELS = {
    "matched": "已匹配",
    "ambiguous": "多个候选",
    "not_found": "未找到",
    "invalid": "标识无效",
}
METHOD_LABELS = {"uscc": "统一社会信用代码", "id_digest": "身份证号", "name": "名称"}
KIND_LABELS = dict(SubjectKind.choices)
# Fields of a record shown in the answer besides its document data; others stay out, since
# the answer goes to a business system that needs the decision, not the whole row.
RECORD_SUMMARY_FIELDS = {"CF_WFXW": "违法行为类型", "CF_CFLB": "处罚类别", "CF_NR": "处罚内容"}
SUBJECT_FIELDS = ("id", "public_id", "kind", "name", "uscc", "region_code")


def feedback_workdays() -> int:
    """Working days a department has to give feedback (setting CREDIT_CHECK_FEEDBACK_WORKDAYS)."""
    return int(getattr(settings, "CREDIT_CHECK_FEEDBACK_WORKDAYS", DEFAULT_FEEDBACK_WORKDAYS))


@dataclass
class SubjectQuery:
    """One subject as the caller gave it."""

    uscc: str = ""
    id_number: str = ""
    name: str = ""
    region: str = ""

    @classmethod
    def of(cls, raw) -> SubjectQuery:
        get = raw.get if isinstance(raw, dict) else lambda key: getattr(raw, key, None)
        return cls(
            uscc=_text(get("uscc")),
            id_number=_text(get("id_number")),
            name=_text(get("name")),
            region=_text(get("region")),
        )


def _text(value) -> str:
    if not value:
        return ""
    # A pasted control character is never part of a name or code: dropped, not a 500.
    return strip_control_chars(value).strip()


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


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


def _any(column: str, values: list) -> Q:
    """`column IN values` that costs one parameter on PostgreSQL (= ANY(array)).

    A 10,000-value IN list costs more to build and parse than the lookup itself; other
    databases get the ordinary IN, chunked by the callers.
    """
    return Q(RawSQL(f"{column} = ANY(%s)", (values,), output_field=BooleanField()))


def _chunk_size() -> int:
    return 100_000 if connection.vendor == "postgresql" else CHUNK


def _subject_out(row: dict, id_number: str = "") -> dict:
    out = {
        "public_id": row["public_id"],
        "name": row["name"],
        "kind": row["kind"],
        "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
        "uscc": row["uscc"] or "",
        "region_code": row["region_code"],
    }
    if row["kind"] == SubjectKind.PERSON:
        out["id_number"] = mask_id_number(id_number) if id_number else ""
    return out


def _input_out(query: SubjectQuery) -> dict:
    return {
        "uscc": query.uscc,
        "id_number": mask_id_number(query.id_number) if query.id_number else "",
        "name": query.name,
        "region": query.region,
    }


# --- resolution -------------------------------------------------------------------------


def _in(model, field: str, values: list) -> Q:
    if connection.vendor == "postgresql" and len(values) > 1:
        return _any(f'"{model._meta.db_table}"."{field}"', values)
    return Q(**{f"{field}__in": values})


def _by_uscc(codes: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(codes)), _chunk_size()):
        for row in Subject.objects.filter(_in(Subject, "uscc", chunk)).values(*SUBJECT_FIELDS):
            found[row["uscc"]] = row
    return found


def _by_digest(digests: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(digests)), _chunk_size()):
        rows = Subject.objects.filter(_in(Subject, "id_digest", chunk)).values(
            *SUBJECT_FIELDS, "id_digest"
        )
        for row in rows:
            found[row.pop("id_digest")] = row
    return found


def _name_matches(queries: dict[int, SubjectQuery]) -> dict[int, matching.NameResolution]:
    """Candidates from the subject search, former names added, scored with reasons."""
    pools: dict[int, list[Subject]] = {}
    for index, query in queries.items():
        pools[index] = name_candidates(query.name, None, limit=10)
    names = {q.name for q in queries.values()} | {
        matching.normalize_name(q.name) for q in queries.values()
    }
    renamed = (
        SubjectNameHistory.objects.filter(name__in=list(names))
        .exclude(subject__kind=SubjectKind.PERSON)
        .select_related("subject")
    )
    by_former: dict[str, list[Subject]] = defaultdict(list)
    for row in renamed:
        by_former[matching.canonical_name(row.name)].append(row.subject)
    for index, query in queries.items():
        seen = {s.id for s in pools[index]}
        for subject in by_former.get(matching.canonical_name(query.name), []):
            if subject.id not in seen:
                pools[index].append(subject)
                seen.add(subject.id)
    ids = {s.id for pool in pools.values() for s in pool}
    former: dict[int, list[str]] = defaultdict(list)
    for subject_id, name in SubjectNameHistory.objects.filter(subject_id__in=ids).values_list(
        "subject_id", "name"
    ):
        former[subject_id].append(name)
    out = {}
    for index, query in queries.items():
        pool = [
            matching.Candidate(
                id=s.id,
                public_id=s.public_id,
                kind=s.kind,
                name=s.name,
                uscc=s.uscc,
                region_code=s.region_code,
                former_names=former.get(s.id, []),
            )
            for s in pools[index]
        ]
        out[index] = matching.resolve_name(query.name, query.region, pool)
    return out


def _candidate_row(candidate: matching.Candidate) -> dict:
    return {
        "id": candidate.id,
        "public_id": candidate.public_id,
        "kind": candidate.kind,
        "name": candidate.name,
        "uscc": candidate.uscc,
        "region_code": candidate.region_code,
    }


def uscc_resolution(query: SubjectQuery, code: str, row: dict | None) -> dict:
    """The resolution of a subject asked for by (valid) code, `row` the subject or None."""
    if row is None:
        return {
            "status": "not_found",
            "message": f"未找到：主体库中没有统一社会信用代码为 {code} 的主体",
        }
    reasons = ["统一社会信用代码一致"]
    given = query.name
    if given and matching.canonical_name(given) != matching.canonical_name(row["name"]):
        reasons.append(f"所给名称“{given}”与登记名称不一致，以代码为准")
    return {"status": "matched", "method": "uscc", "score": 100, "reasons": reasons, "row": row}


def resolve(queries: list[SubjectQuery]) -> list[dict]:
    """Per query: {status, message, method, score, reasons, row, candidates} in input order.

    A code is looked up by the code alone: a name given next to it never changes the result,
    and a valid code that is not registered is 未找到 rather than a guess by name.
    """
    results: list[dict] = [{} for _ in queries]
    usccs: dict[int, str] = {}
    digests: dict[int, str] = {}
    names: dict[int, SubjectQuery] = {}
    for index, query in enumerate(queries):
        if query.uscc:
            try:
                usccs[index] = validate_uscc(query.uscc)
            except IdentifierError as exc:
                results[index] = {"status": "invalid", "message": exc.message}
        elif query.id_number:
            try:
                number = validate_id_number(query.id_number).number
                digests[index] = id_digest(number)
            except IdentifierError as exc:
                results[index] = {"status": "invalid", "message": exc.message}
        elif query.name:
            names[index] = query
        else:
            results[index] = {
                "status": "invalid",
                "message": "请至少提供统一社会信用代码、身份证号或名称之一",
            }

    by_uscc = _by_uscc(list(usccs.values())) if usccs else {}
    for index, code in usccs.items():
        results[index] = uscc_resolution(queries[index], code, by_uscc.get(code))

    by_digest = _by_digest(list(digests.values())) if digests else {}
    for index, digest in digests.items():
        row = by_digest.get(digest)
        if row is None:
            results[index] = {
                "status": "not_found",
                "message": "未找到：主体库中没有该身份证号的主体",
            }
            continue
        results[index] = {
            "status": "matched",
            "method": "id_digest",
            "score": 100,
            "reasons": ["身份证号一致"],
            "row": row,
        }

    if names:
        for index, outcome in _name_matches(names).items():
            ranked = [
                {**_candidate_row(s.candidate), "score": s.score, "reasons": s.reasons}
                for s in outcome.ranked
            ]
            if outcome.status == "matched":
                best = outcome.best
                results[index] = {
                    "status": "matched",
                    "method": "name",
                    "score": best.score,
                    "reasons": best.reasons,
                    "row": _candidate_row(best.candidate),
                }
            elif outcome.status == "ambiguous":
                results[index] = {
                    "status": "ambiguous",
                    "message": (
                        f"名称“{names[index].name}”对应 {len(ranked)} 个可能的主体，"
                        "未自动选择，请以统一社会信用代码重新核查"
                    ),
                    "candidates": ranked,
                }
            else:
                results[index] = {
                    "status": "not_found",
                    "message": (
                        f"未找到：没有与名称“{names[index].name}”足够一致的企业或组织"
                        "（自然人须以身份证号核查）"
                    ),
                    "candidates": ranked,
                }
    return results


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
                )
            )
    return found


def record_out(dataset, dataset_name, doc_number, decision_date, authority, severity, data):
    """A shared negative record as the answer shows it (dates already ISO strings)."""
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
            for code, label in RECORD_SUMMARY_FIELDS.items()
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


def _department_name(actor: Actor) -> str:
    holder = actor.client or actor.user
    department = getattr(holder, "department", None) if actor.department_id else None
    return department.name if department is not None else ""


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


def unmatched_label(query: SubjectQuery, status: str) -> str:
    """The access log's name for a query that matched no subject: its status and what was
    given, an ID number masked (also one typed into the name)."""
    if query.uscc:
        given = query.uscc
    elif query.id_number:
        given = mask_id_number(query.id_number)
    else:
        given = mask_text_ids(query.name) or "（未提供标识）"
    return f"{STATUS_LABELS[status]}：{given}"


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


# --- subjects from an uploaded file -------------------------------------------------------

# Column headers a batch file may use, by normalised header text.
FILE_COLUMNS = {
    "名称": "name",
    "主体名称": "name",
    "企业名称": "name",
    "单位名称": "name",
    "统一社会信用代码": "uscc",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "地区": "region",
    "所在地区": "region",
}


def subjects_from_file(path, filename: str = "") -> list[dict]:
    """Subjects of a CSV/XLSX file with columns 名称, 统一社会信用代码, 身份证号, 地区."""
    from credit.collection.errors import FileProblem
    from credit.collection.readers import open_table
    from credit.collection.workbook_guard import Limits
    from credit.core.normalize import header_key

    # The page's own limits: a check file holds at most MAX_SUBJECTS rows, and its reader
    # runs in a child process with the check's (smaller) memory and CPU allowance.
    limits = Limits.from_settings(
        max_rows=min(settings.CREDIT_UPLOAD_MAX_ROWS, MAX_SUBJECTS + 1),
        memory_mb=settings.CREDIT_CHECK_FILE_MEMORY_MB,
        cpu_seconds=settings.CREDIT_CHECK_FILE_SECONDS,
    )
    try:
        table = open_table(path, filename, limits)
    except FileProblem as exc:
        raise ServiceError("file_unreadable", "；".join(p.message for p in exc.problems)) from exc
    try:
        columns = {
            position: FILE_COLUMNS[header_key(label)]
            for position, label in enumerate(table.header)
            if header_key(label) in FILE_COLUMNS
        }
        if not columns:
            raise ServiceError(
                "file_header",
                "文件缺少核查所需的列：名称、统一社会信用代码、身份证号（至少一列），可选地区",
            )
        subjects = []
        try:
            for _number, values in table.rows:
                subjects.append(
                    {
                        key: values[position].strip() if position < len(values) else ""
                        for position, key in columns.items()
                    }
                )
                if len(subjects) > MAX_SUBJECTS:
                    raise ServiceError("too_many_subjects", f"一次最多核查 {MAX_SUBJECTS} 个主体")
        except FileProblem as exc:
            raise ServiceError(
                "file_unreadable", "；".join(p.message for p in exc.problems)
            ) from exc
    finally:
        table.close()
    if not subjects:
        raise ServiceError("no_subjects", "文件中没有核查主体")
    return subjects
