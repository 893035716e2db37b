"""What a dataset means, read from its definition's attributes (definition.py).

Publicity, the portal, profiles, search counts and check answers ask these questions
instead of naming datasets. Versions loaded before the attributes existed answer with the
defaults their roles imply, so old records keep behaving as they did.
"""

from __future__ import annotations

from dataclasses import dataclass

from credit.catalog.definition import SECTIONS

OTHER = "其他"
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
        check_summary=bool(definition.get("check_summary", category == "不良")),
    )


def of_version(version) -> Attributes:
    return attributes_of(version.definition or {})


def section_order(section: str) -> int:
    return SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)
