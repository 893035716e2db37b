"""What a dataset means, read from its definition's attributes (definition.py).

Publicity, the portal, profiles, search counts and check answers ask these questions
instead of naming datasets. Versions loaded before the attributes existed answer with the
defaults their roles imply, so old records keep behaving as they did.
"""

from __future__ import annotations

from dataclasses import dataclass

from credit.catalog.definition import SECTIONS

OTHER = "其他"
DEFAULT_POSITION = 100
PUBLIC_OPEN_ATTR = "社会公开"
_ENUM_TYPES = ("enum", "multi_enum")
# Legacy definitions had only `publicity_rule` and the fields the rule read by code.
_LEGACY_PUBLICITY = {
    "penalty_severity": {"rule": "penalty_severity"},
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

    @property
    def data_keys(self) -> tuple[str, ...]:
        """The `data` keys the rule reads (besides decision date and severity)."""
        return tuple(k for k in (self.from_field, self.until_field, self.status_field) if k)


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


def publicity_of(definition: dict) -> Publicity:
    spec = definition.get("publicity")
    if spec is None:
        spec = _LEGACY_PUBLICITY.get(definition.get("publicity_rule") or "", {})
    status = spec.get("status") or {}
    return Publicity(
        rule=spec.get("rule", ""),
        from_field=spec.get("from", ""),
        until_field=spec.get("until", ""),
        status_field=status.get("field", ""),
        status_value=str(status.get("value", "")),
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
        check_summary=bool(definition.get("check_summary", category == "不良")),
        filter_field=filter_field,
        summary_field=display.get("summary", ""),
        position=display.get("position", DEFAULT_POSITION),
        alias=display.get("alias", ""),
        public=definition.get("open_attr") == PUBLIC_OPEN_ATTR,
    )


def of_version(version) -> Attributes:
    return attributes_of(version.definition or {})


def section_order(section: str) -> int:
    return SECTIONS.index(section) if section in SECTIONS else len(SECTIONS)


def display_order(attrs: Attributes) -> tuple:
    """Sort key of datasets on a profile: section, position within it, code."""
    return (section_order(attrs.section), attrs.position, attrs.code)
