"""Reads of the catalog shared with other apps (collection, records, portal, console)."""

from __future__ import annotations

from credit.catalog.attributes import attributes_of, section_order
from credit.catalog.models import Dataset, DatasetVersion, Field, OpenAttr
from credit.core.errors import NotFound
from credit.core.normalize import header_key

# Versions are immutable, so their fields can be cached for the life of the process.
# The key includes created_at and the hash because a rolled-back transaction (tests, a
# failed load) may hand the same primary key to a different version later.
_CACHE_LIMIT = 256
_fields_cache: dict[tuple, list[Field]] = {}
_headers_cache: dict[tuple, dict[str, Field]] = {}
_versions_cache: dict[tuple, DatasetVersion] = {}


def list_datasets() -> list[Dataset]:
    """All datasets with their current version, ordered by code."""
    return list(Dataset.objects.select_related("current_version").order_by("code"))


def get_dataset(code: str) -> Dataset:
    try:
        return Dataset.objects.select_related("current_version").get(code=code)
    except Dataset.DoesNotExist:
        raise NotFound(f"未知的信息事项：{code}") from None


def current_version(code: str) -> DatasetVersion:
    dataset = get_dataset(code)
    if dataset.current_version is None:
        raise NotFound(f"信息事项尚未加载定义：{code}")
    return dataset.current_version


def version_of(code: str, number: int) -> DatasetVersion:
    """A given version of a dataset, current or not."""
    try:
        return DatasetVersion.objects.select_related("dataset").get(
            dataset__code=code, number=number
        )
    except DatasetVersion.DoesNotExist:
        raise NotFound(f"信息事项 {code} 没有第 {number} 版") from None


def versions_of(code: str) -> list[DatasetVersion]:
    """Every version of a dataset, newest first."""
    get_dataset(code)
    return list(DatasetVersion.objects.filter(dataset__code=code).order_by("-number"))


def version_by_id(pk: int, definition_hash: str) -> DatasetVersion:
    """A version by id, cached for the process: the profile's compiled read names a
    record's version by id and hash, and a page must not pay a query per dataset for it.
    The hash guards against an id reused after a rolled-back transaction."""
    key = (pk, definition_hash)
    version = _versions_cache.get(key)
    if version is None:
        version = DatasetVersion.objects.select_related("dataset").get(pk=pk)
        _remember(_versions_cache, key, version)
    return version


def public_datasets() -> list[Dataset]:
    """Datasets whose current version is 社会公开: the portal's publicity lists."""
    return list(
        Dataset.objects.filter(current_version__open_attr=OpenAttr.PUBLIC)
        .select_related("current_version")
        .order_by("code")
    )


def fields_of(version: DatasetVersion) -> list[Field]:
    """The fields of a version in the order of the standard."""
    key = _key(version)
    fields = _fields_cache.get(key)
    if fields is None:
        fields = list(Field.objects.filter(version_id=version.pk).order_by("position"))
        _remember(_fields_cache, key, fields)
    return list(fields)


def header_index(version: DatasetVersion) -> dict[str, Field]:
    """Field by `header_key` of its label, exchange code and aliases.

    A file header matches when `header_index(v).get(header_key(header))` finds a field.
    """
    key = _key(version)
    index = _headers_cache.get(key)
    if index is None:
        index = {}
        for field in fields_of(version):
            for name in [field.label, field.code, *field.rules.get("aliases", [])]:
                index[header_key(name)] = field
        _remember(_headers_cache, key, index)
    return dict(index)


def field_by_role(version: DatasetVersion) -> dict[str, Field]:
    """Field by core role (`subject_name`, `decision_date`, …) for the pipeline's mapping."""
    return {field.role: field for field in fields_of(version) if field.role}


def _key(version: DatasetVersion) -> tuple:
    return (version.pk, version.created_at, version.definition_hash)


def _remember(cache: dict, key: tuple, value) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


_check_fields_cache: dict[tuple, tuple[tuple[str, str], ...]] = {}


def check_fields(version_id: int, definition_hash: str) -> tuple[tuple[str, str], ...]:
    """(field code, label) of what a credit check's answer shows of a record of this
    version (the `check_fields` attribute), read once per process: the single check's
    statement hands over the version id and hash, so an answer costs no catalog query. The
    hash is part of the key for the same reason `_key` has it (a rolled-back version id
    reused)."""
    key = (version_id, definition_hash)
    found = _check_fields_cache.get(key)
    if found is None:
        definition = (
            DatasetVersion.objects.filter(pk=version_id)
            .values_list("definition", flat=True)
            .first()
        ) or {}
        labels = {f["code"]: f.get("label", f["code"]) for f in definition.get("fields") or []}
        found = tuple(
            (code, labels.get(code, code)) for code in attributes_of(definition).check_fields
        )
        _remember(_check_fields_cache, key, found)
    return found


_attributes_by_hash: dict[str, tuple[str, str]] = {}


def count_groups() -> dict[str, tuple[str, str]]:
    """Dataset code -> (profile section, legacy search count key) of every dataset's
    current version, in the profile's section order: how search results group their
    per-dataset counts. One query on the small datasets table; a version's attributes are
    read once per process (keyed by its definition hash, which names its content)."""
    current = list(
        Dataset.objects.filter(current_version__isnull=False)
        .order_by("code")
        .values_list("code", "current_version_id", "current_version__definition_hash")
    )
    groups = {}
    for code, version_id, definition_hash in current:
        found = _attributes_by_hash.get(definition_hash)
        if found is None:
            definition = DatasetVersion.objects.values_list("definition", flat=True).get(
                pk=version_id
            )
            meaning = attributes_of(definition or {})
            found = (meaning.section, meaning.count_key)
            _remember(_attributes_by_hash, definition_hash, found)
        groups[code] = found
    return dict(sorted(groups.items(), key=lambda item: section_order(item[1][0])))
