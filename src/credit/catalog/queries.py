"""Reads of the catalog shared with other apps (collection, records, portal, console)."""

from __future__ import annotations

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
