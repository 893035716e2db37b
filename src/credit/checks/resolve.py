"""Which registered subject each queried code, ID number or name is (信用核查, step one).

Everything is fetched in bulk, whatever the number of subjects: one query per kind of data
and per chunk of ids, never one per subject.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from credit.checks import matching
from credit.core.fieldcrypto import id_digest
from credit.core.identifiers import IdentifierError, validate_id_number, validate_uscc
from credit.core.masking import mask_id_number, mask_text_ids
from credit.core.normalize import strip_control_chars
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
# Bounded so each IN (...) stays within SQLite's parameter limit and PostgreSQL plans stay small.
CHUNK = 900

STATUS_LABELS = {
    "matched": "已匹配",
    "ambiguous": "多个候选",
    "not_found": "未找到",
    "invalid": "标识无效",
}
METHOD_LABELS = {"uscc": "统一社会信用代码", "id_digest": "身份证号", "name": "名称"}
KIND_LABELS = dict(SubjectKind.choices)
SUBJECT_FIELDS = ("id", "public_id", "kind", "name", "uscc", "region_code")


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
