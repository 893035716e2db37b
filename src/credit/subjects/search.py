"""Subject search for the public portal and API: by name (substring, fuzzy) or exact USCC.

Cost is bounded whatever the query: the engine finds at most `MAX_CANDIDATES` matches
through its own index (PostgreSQL: the pg_trgm GiST index, nearest names first; SQLite: the
FTS5 trigram table), then ranks that set (exact > prefix > similarity, then name) and cuts a
page. A query matching more subjects than that is told to be more specific, which is what a
person typing 有限公司 needs anyway.

`build_sql()` is public so the benchmark can time the bare SQL next to `search_subjects()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from credit.core.identifiers import (
    IdentifierError,
    is_valid_uscc,
    uscc_check_char,
    validate_uscc,
)
from credit.core.normalize import halfwidth, name_key, strip_control_chars
from credit.subjects.models import Subject, SubjectKind

PAGE_SIZE = 25
MAX_CANDIDATES = 500
# Below three characters there are no trigrams to use: a plain LIKE, stopped early.
MIN_TRIGRAM_CHARS = 3
# pg_trgm similarity threshold for fuzzy matches (0.3 costs ~10× more on 1 M names).
SIMILARITY_THRESHOLD = 0.5
MAX_QUERY_CHARS = 100
# Similarity ≥ 0.5 needs a query about as long as the name: shorter ones never match.
MIN_FUZZY_CHARS = 6

REGION_NAMES = {
    "210500": "本溪市",
    "210502": "平山区",
    "210503": "溪湖区",
    "210504": "明山区",
    "210505": "南芬区",
    "210521": "本溪满族自治县",
    "210522": "桓仁满族自治县",
}
KIND_NAMES = dict(SubjectKind.choices)
TABLE = Subject._meta.db_table


def persons_searchable() -> bool:
    """Persons are not found by name unless the deployment decides otherwise."""
    return getattr(settings, "CREDIT_SEARCH_PERSONS_BY_NAME", False)


def region_name(code: str) -> str:
    if not code:
        return ""
    if code in REGION_NAMES:
        return REGION_NAMES[code]
    # Development zones and offices below a district register under the city.
    return "本溪市" if code.startswith("2105") else ""


def clean_query(q: str) -> str:
    """The normalised search text: full-width, brackets and spaces unified, bounded length.
    Control characters never occur in a name; NUL in particular breaks both SQLite's FTS
    phrase and PostgreSQL string parameters, so they are dropped."""
    return name_key(strip_control_chars(q or ""))[:MAX_QUERY_CHARS]


def as_uscc(q: str) -> str | None:
    """The query as a USCC when it is one (18 characters, valid check character)."""
    code = halfwidth(q or "").strip().upper()
    return code if len(code) == 18 and is_valid_uscc(code) else None


MIN_QUERY_CHARS = 2
# A query of Latin letters and digits this long is a code someone typed, never a name.
_CODE_LIKE = re.compile(r"[0-9A-Za-z]{16,20}")


def query_problem(q: str) -> str:
    """Why a query cannot be searched as typed ("" when it can): too short, or a mistyped
    USCC, named so the visitor can correct it instead of reading "nothing found"."""
    text = halfwidth(strip_control_chars(q or "")).strip()
    if len(text) < MIN_QUERY_CHARS:
        return f"请输入至少{MIN_QUERY_CHARS}个字"
    code = text.upper()
    if _CODE_LIKE.fullmatch(code) and sum(c.isdigit() for c in code) >= 8:
        try:
            validate_uscc(code)
        except IdentifierError as exc:
            if exc.code == "uscc_checksum":
                detail = (
                    f"第 18 位校验码应为“{uscc_check_char(code[:17])}”，输入的是“{code[17]}”，"
                    "前 17 位中可能有输错的字符"
                )
            else:
                detail = exc.message
            return f"“{text}”不是有效的统一社会信用代码：{detail}。请核对后重新输入"
    return ""


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def build_sql(
    q: str, *, offset: int = 0, limit: int = PAGE_SIZE, fuzzy: bool = False
) -> tuple[str, list]:
    """SQL returning (id, total) of one page of name matches for a normalised query.

    `fuzzy` (PostgreSQL only) matches by trigram similarity instead of substring: it is the
    typo-tolerant second try when no name contains the query, since a similarity scan costs
    several times a substring scan and never finds more for a partial name.
    """
    person_filter = "" if persons_searchable() else "AND s.kind <> 'person'"
    # A subject merged into another keeps its row (its public id redirects) but is never
    # found: its records are the survivor's now.
    person_filter += " AND s.merged_into_id IS NULL"
    like = "%" + _like_escape(q) + "%"
    prefix = _like_escape(q) + "%"
    vendor = connection.vendor
    if vendor == "postgresql" and len(q) >= MIN_TRIGRAM_CHARS:
        # Nearest names first straight from the GiST index, so the cap keeps the best.
        condition = "s.name_norm %% %s" if fuzzy else "s.name_norm LIKE %s ESCAPE '\\'"
        hits = f"""
            SELECT s.id, s.name_norm FROM {TABLE} s
            WHERE {condition} {person_filter}
            ORDER BY s.name_norm <-> %s LIMIT {MAX_CANDIDATES}"""
        hit_params = [q if fuzzy else like, q]
        score = "similarity(h.name_norm, %s) DESC"
        score_params = [q]
    elif vendor == "sqlite" and len(q) >= MIN_TRIGRAM_CHARS:
        hits = f"""
            SELECT s.id, s.name_norm FROM subjects_subject_fts f
            JOIN {TABLE} s ON s.id = f.rowid
            WHERE f.name_norm MATCH %s {person_filter}
            LIMIT {MAX_CANDIDATES}"""
        hit_params = [_fts_phrase(q)]
        # A substring match is the more similar the closer its length is to the query's.
        score = "length(h.name_norm)"
        score_params = []
    else:
        # On PostgreSQL the planner would otherwise walk the whole trigram index for a
        # pattern with no trigram in it (465 ms on 1 M names); `|| ''` hides the column from
        # that index so a (parallel) sequential scan stops at the cap instead (~100 ms).
        column = "(s.name_norm || '')" if vendor == "postgresql" else "s.name_norm"
        hits = f"""
            SELECT s.id, s.name_norm FROM {TABLE} s
            WHERE {column} LIKE %s ESCAPE '\\' {person_filter}
            LIMIT {MAX_CANDIDATES}"""
        hit_params = [like]
        score = "length(h.name_norm)"
        score_params = []
    sql = f"""
        SELECT h.id, COUNT(*) OVER () FROM ({hits}) h
        ORDER BY CASE WHEN h.name_norm = %s THEN 0
                      WHEN h.name_norm LIKE %s ESCAPE '\\' THEN 1 ELSE 2 END,
                 {score}, h.name_norm, h.id
        LIMIT {int(limit)} OFFSET {int(offset)}"""
    params = [*hit_params, q, prefix, *score_params]
    return sql, params


def can_fuzzy(q: str) -> bool:
    return connection.vendor == "postgresql" and len(q) >= MIN_FUZZY_CHARS


def _prepare(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, false)",
            [str(SIMILARITY_THRESHOLD)],
        )


def _run(q: str, offset: int, limit: int, fuzzy: bool) -> list[tuple[int, int]]:
    sql, params = build_sql(q, offset=offset, limit=limit, fuzzy=fuzzy)
    with connection.cursor() as cursor:
        if fuzzy:
            _prepare(cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


def match_ids(q: str, *, offset: int = 0, limit: int = PAGE_SIZE) -> tuple[list[int], int]:
    """Ids of one page of name matches (ranked) and the number of candidates found."""
    fuzzy = False
    rows = _run(q, offset, limit, fuzzy)
    if not rows and offset:
        rows = _run(q, 0, 1, fuzzy)
        return [], (rows[0][1] if rows else 0)  # past the last page: still tell the total
    if not rows and can_fuzzy(q):
        fuzzy = True
        rows = _run(q, offset, limit, fuzzy)
    return [r[0] for r in rows], (rows[0][1] if rows else 0)


# {subject id: {dataset code: n}} -> {subject id: {"datasets", "sections", "legacy"}}: the
# grouping needs the catalog, which this layer may not import (catalog and subjects are
# independent); the records app registers `records.queries.group_counts` at start-up.
CountGrouper = Callable[[dict[int, dict[str, int]]], dict[int, dict]]


def _ungrouped(counts: dict[int, dict[str, int]]) -> dict[int, dict]:
    return {}


_group_counts: CountGrouper = _ungrouped


def register_count_grouper(grouper: CountGrouper) -> None:
    global _group_counts
    _group_counts = grouper


@dataclass
class SearchHit:
    public_id: str
    name: str
    kind: str
    kind_name: str
    region: str
    uscc: str
    # Counts the public API had before the catalog had sections; its clients read them.
    licences: int = 0
    penalties: int = 0
    # Records counted per dataset code and per profile section (the catalog's attributes).
    datasets: dict[str, int] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)


@dataclass
class SearchResult:
    query: str
    page: int
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    by_uscc: bool = False
    truncated: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _hit_counts(grouped: dict | None) -> dict:
    if not grouped:
        return {}
    return {
        "datasets": grouped["datasets"],
        "sections": grouped["sections"],
        "licences": grouped["legacy"].get("licences", 0),
        "penalties": grouped["legacy"].get("penalties", 0),
    }


def _hits(subject_ids: list[int], count_records, public_only: bool = False) -> list[SearchHit]:
    subjects = Subject.objects.in_bulk(subject_ids)
    counts = count_records(subject_ids) if subject_ids else {}
    grouped = _group_counts(counts) if counts else {}
    hits = []
    for sid in subject_ids:
        s = subjects.get(sid)
        if s is None:
            continue
        by_dataset = counts.get(sid, {})
        if public_only and not any(by_dataset.values()):
            continue  # nothing public: the public does not learn it exists
        hits.append(
            SearchHit(
                public_id=s.public_id,
                name=s.name,
                kind=s.kind,
                kind_name=KIND_NAMES.get(s.kind, s.kind),
                region=region_name(s.region_code),
                uscc=s.uscc or "",
                **_hit_counts(grouped.get(sid)),
            )
        )
    return hits


def search_subjects(
    q: str, page: int = 1, *, count_records=None, public_only: bool = False
) -> SearchResult:
    """One page of subjects matching `q` (name or USCC).

    `count_records(subject_ids) -> {subject_id: {dataset_code: n}}` supplies the public
    record counts, which each hit carries per dataset and per catalog section (grouped by
    the registered grouper) and under the public API's legacy keys; the portal passes the publicity engine's counter so that search never
    counts a record the public may not see. `public_only` leaves out subjects for which it
    counts nothing at all (no public record, no public list entry).
    """
    count_records = count_records or (lambda ids: {})
    # Beyond the last page of candidates there is nothing; a huge page must not reach SQL.
    page = min(max(1, int(page or 1)), MAX_CANDIDATES // PAGE_SIZE + 1)
    uscc = as_uscc(q)
    if uscc:
        subject = (
            Subject.objects.filter(uscc=uscc, merged_into__isnull=True).only("id", "kind").first()
        )
        ids = [subject.id] if subject and (subject.kind != "person" or persons_searchable()) else []
        hits = _hits(ids, count_records, public_only)
        return SearchResult(uscc, 1, len(hits), hits, by_uscc=True)
    query = clean_query(q)
    if not query:
        return SearchResult(query, 1, 0)
    ids, total = match_ids(query, offset=(page - 1) * PAGE_SIZE)
    return SearchResult(
        query,
        page,
        total,
        _hits(ids, count_records, public_only),
        truncated=total >= MAX_CANDIDATES,
    )
