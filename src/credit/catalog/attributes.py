"""What a dataset means, read from its definition's attributes (definition.py).

Publicity, the portal, profiles, search counts and check answers ask these questions
instead of naming datasets. Versions loaded before the attributes existed answer with the
defaults their roles imply, so old records keep behaving as they did.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from credit.catalog.definition import SECTIONS

OTHER = "其他"
DEFAULT_POSITION = 100
PUBLIC_OPEN_ATTR = "社会公开"
_ENUM_TYPES = ("enum", "multi_enum")
NEGATIVE = "不良"
# Roles a credit check's answer already shows in columns of its own (document number, date,
# authority) or never shows (who the subject is: the answer names it once): a check
# summary made from the list fields leaves them out.
_ANSWER_ROLES = {
    "document_number",
    "decision_date",
    "authority_name",
    "authority_uscc",
    "source_name",
    "source_uscc",
    "subject_name",
    "subject_kind",
    "subject_uscc",
    "subject_org_code",
    "subject_id_type",
    "subject_id_number",
    "legal_rep",
    "legal_rep_id_number",
}
# Legacy definitions had only `publicity_rule` and the fields the rule read by code (and
# the penalty definitions before `publicity.types` named their types field only by code).
_LEGACY_PUBLICITY = {
    "penalty_severity": {"rule": "penalty_severity", "types": "CF_CFLB"},
    "licence_validity": {
        "rule": "licence_validity",
        "until": "XK_YXQZI",
        "status": {"field": "XK_ZT", "value": "1"},
    },
}


# The public search API counted 行政许可 and 行政处罚 under these keys before the catalog
# had sections; its clients still read them. A dataset counts under a key by the publicity
# rule that made it a 双公示 item.
_LEGACY_COUNT_KEYS = {"licence_validity": "licences", "penalty_severity": "penalties"}


@dataclass(frozen=True)
class Publicity:
    rule: str = ""
    from_field: str = ""  # empty: the record's decision date
    until_field: str = ""
    status_field: str = ""
    status_value: str = ""
    types_field: str = ""  # penalty_severity: the multi-valued field of penalty types

    @property
    def data_keys(self) -> tuple[str, ...]:
        """The `data` keys the rule reads (besides decision date and severity)."""
        fields = (self.from_field, self.until_field, self.status_field, self.types_field)
        return tuple(k for k in fields if k)


@dataclass(frozen=True)
class Attributes:
    code: str
    name: str
    category: str
    national_category: str
    section: str
    business_key: tuple[str, ...]
    publicity: Publicity
    list_fields: tuple[str, ...]
    record_fields: tuple[str, ...]
    check_summary: bool
    # Fields a credit check's answer shows of each record (its 摘要).
    check_fields: tuple[str, ...] = ()
    # The list page's 类别 filter: an enum field ("" = no filter).
    filter_field: str = ""
    # The field whose text is a record's one-line 内容 ("" = none).
    summary_field: str = ""
    # Order of the dataset within its profile section (then by code).
    position: int = DEFAULT_POSITION
    # An older name of the dataset's public list (URL and public API key), "" = none.
    alias: str = ""
    # 社会公开: the portal lists it (the kernel still decides each record).
    public: bool = False

    @property
    def count_key(self) -> str:
        """The public search API's legacy count this dataset adds to ("" for none)."""
        return _LEGACY_COUNT_KEYS.get(self.publicity.rule, "")


def publicity_of(definition: dict) -> Publicity:
    spec = definition.get("publicity")
    if spec is None:
        spec = _LEGACY_PUBLICITY.get(definition.get("publicity_rule") or "", {})
    elif "types" not in spec:
        # A version stored before its definition named the types field reads it by the
        # legacy code, as it did when it was loaded.
        legacy = _LEGACY_PUBLICITY.get(spec.get("rule") or "", {})
        if "types" in legacy:
            spec = {**spec, "types": legacy["types"]}
    status = spec.get("status") or {}
    return Publicity(
        rule=spec.get("rule", ""),
        from_field=spec.get("from", ""),
        until_field=spec.get("until", ""),
        status_field=status.get("field", ""),
        status_value=str(status.get("value", "")),
        types_field=spec.get("types", ""),
    )


def attributes_of(definition: dict) -> Attributes:
    """Attributes of one definition (a DatasetVersion's `definition`), with defaults."""
    fields = definition.get("fields") or []
    by_role = {f.get("role"): f["code"] for f in fields if f.get("role")}
    key = definition.get("business_key") or [
        by_role[r] for r in ("authority_uscc", "document_number") if r in by_role
    ]
    display = definition.get("display") or {}
    public = [f["code"] for f in fields if f.get("public", True) and not f.get("masking")]
    list_fields = display.get("list") or public[:4]
    category = definition.get("category", "")
    masked = {f["code"] for f in fields if f.get("masking") or f.get("public") is False}
    roles = {f["code"]: f.get("role") for f in fields}
    check_fields = display.get("check") or [
        code for code in list_fields if roles.get(code) not in _ANSWER_ROLES
    ]
    by_code = {f["code"]: f for f in fields}
    # Versions without `display.filter` filter by the first enum among their list fields
    # (the 处罚类别 / 许可类别 of the 双公示 standard sits there).
    filter_field = display.get("filter") or next(
        (c for c in list_fields if (by_code.get(c) or {}).get("type") in _ENUM_TYPES), ""
    )
    return Attributes(
        code=definition.get("code", ""),
        name=definition.get("name", ""),
        category=category,
        national_category=definition.get("national_category", ""),
        section=definition.get("section") or OTHER,
        business_key=tuple(key),
        publicity=publicity_of(definition),
        list_fields=tuple(list_fields),
        record_fields=tuple(display.get("record") or public),
        check_summary=bool(definition.get("check_summary", category == NEGATIVE)),
        check_fields=tuple(code for code in check_fields if code not in masked),
        filter_field=filter_field,
        summary_field=display.get("summary", ""),
        position=display.get("position", DEFAULT_POSITION),
        alias=display.get("alias", ""),
        public=definition.get("open_attr") == PUBLIC_OPEN_ATTR,
    )


def check_summary_condition(prefix: str = "") -> Q:
    """The versions whose records a credit check summarises, as a condition on
    DatasetVersion (`prefix`: the path to it, e.g. "dataset_version__"), so that the check's
    queryset and the single check's compiled statement filter in SQL. The same default as
    `attributes_of`: a definition without `check_summary` is summarised when it is 不良."""
    return Q(**{f"{prefix}definition__check_summary": True}) | (
        Q(**{f"{prefix}category": NEGATIVE})
        & ~Q(**{f"{prefix}definition__has_key": "check_summary"})
    )


def of_version(version) -> Attributes:
    return attributes_of(version.definition or {})


def section_order(section: str) -> int:
    return SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)


def display_order(attrs: Attributes) -> tuple:
    """Sort key of datasets on a profile: section, position within it, code."""
    return (section_order(attrs.section), attrs.position, attrs.code)
