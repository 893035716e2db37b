"""Writes of the catalog: loading definitions (YAML files or the admin's form) into
versioned tables.

A version is never edited: a changed definition becomes a new DatasetVersion with its
own Field rows, so records keep pointing at the rules they were validated against. A
definition written in the admin goes through the same check (`check_definition`) and the
same versioning as a file, so the two ways cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from credit.audit.services import log_change
from credit.catalog.attributes import publicity_of
from credit.catalog.definition import (
    RULE_KEYS,
    DefinitionError,
    check_definition,
    definition_hash,
    read_definition,
)
from credit.catalog.models import Dataset, DatasetVersion, Field
from credit.catalog.permissions import can_define_datasets
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied, ServiceError

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

CREATED = "created"  # new dataset, version 1
NEW_VERSION = "new_version"  # existing dataset, definition changed
UNCHANGED = "unchanged"

# Where a definition came from, as the change log names it when it is not a file.
ADMIN_SOURCE = "后台定义"
REFUSED = "只有信用主管部门管理员可以更新信息目录"


@dataclass(frozen=True)
class LoadResult:
    code: str
    name: str
    status: str  # CREATED, NEW_VERSION or UNCHANGED
    version: int
    filename: str

    @property
    def status_label(self) -> str:
        return {CREATED: "新增", NEW_VERSION: "更新", UNCHANGED: "未变化"}[self.status]


class DefinitionFilesInvalid(DefinitionError):
    """One or more files of a load are bad; `errors` holds each file's DefinitionError.

    Raised before anything is written, with every bad file named, so whoever runs the load
    fixes them all in one go."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = errors
        ServiceError.__init__(
            self, "catalog_definition_invalid", "\n".join(e.message for e in errors)
        )
        self.filename = "、".join(e.filename for e in errors)
        self.problems = [p for e in errors for p in e.problems]


def load_definitions(actor: Actor, directory: Path | str | None = None) -> list[LoadResult]:
    """Load every `*.yaml` of `directory` (default: the shipped definitions)."""
    folder = Path(directory) if directory is not None else DEFINITIONS_DIR
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        if not can_define_datasets(actor):
            raise PermissionDenied(REFUSED)
        raise DefinitionError(str(folder), ["目录下没有 .yaml 定义文件"])
    return load_files(actor, paths)


def load_files(actor: Actor, paths: list[Path | str]) -> list[LoadResult]:
    """Load the given definition files (`credit load_catalog FILE ...`).

    All files are checked before anything is written, and the writes happen in one
    transaction: a bad file leaves the catalog exactly as it was. Every bad file is
    reported (DefinitionFilesInvalid), not only the first.
    """
    if not can_define_datasets(actor):
        raise PermissionDenied(REFUSED)
    errors: list[DefinitionError] = []
    definitions: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        try:
            if not path.is_file():
                raise DefinitionError(path.name, ["文件不存在或无法读取"])
            definition = read_definition(path)
        except DefinitionError as exc:
            errors.append(exc)
            continue
        except OSError as exc:
            errors.append(DefinitionError(path.name, [f"无法读取文件（{exc.strerror}）"]))
            continue
        code = definition["code"]
        if code in seen:
            errors.append(DefinitionError(path.name, [f"事项代码“{code}”已在 {seen[code]} 中定义"]))
            continue
        seen[code] = path.name
        definitions.append((path.name, definition))
    if errors:
        raise errors[0] if len(errors) == 1 else DefinitionFilesInvalid(errors)

    with transaction.atomic():
        return [_load_one(actor, name, definition) for name, definition in definitions]


def save_definition(
    actor: Actor, definition: dict[str, Any], *, dataset: Dataset | None = None
) -> LoadResult:
    """Save a definition written in the admin: a new dataset (`dataset` None) or a new
    version of `dataset`. Checked exactly as a YAML file is; an unchanged definition
    writes nothing."""
    if not can_define_datasets(actor):
        raise PermissionDenied(REFUSED)
    problems = check_definition(definition)
    code = definition.get("code") if isinstance(definition, dict) else None
    if not problems:
        if dataset is None and Dataset.objects.filter(code=code).exists():
            problems = [f"事项代码“{code}”已被其他信息事项使用，请换一个代码或修改该事项"]
        elif dataset is not None and code != dataset.code:
            problems = [f"事项代码不能修改（原为“{dataset.code}”）"]
    if problems:
        raise DefinitionError(ADMIN_SOURCE, problems)
    with transaction.atomic():
        return _load_one(actor, ADMIN_SOURCE, definition)


def _load_one(actor: Actor, source: str, definition: dict[str, Any]) -> LoadResult:
    digest = definition_hash(definition)
    dataset, created = Dataset.objects.select_for_update().get_or_create(
        code=definition["code"], defaults={"name": definition["name"]}
    )
    current = dataset.current_version
    if current is not None and current.definition_hash == digest:
        return LoadResult(dataset.code, dataset.name, UNCHANGED, current.number, source)

    number = (dataset.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DatasetVersion.objects.create(
        dataset=dataset,
        number=number,
        standard=definition.get("standard", ""),
        name=definition["name"],
        category=definition["category"],
        subject_kinds=definition.get("subject_kinds", []),
        providers=definition.get("providers", []),
        legal_basis=definition.get("legal_basis", ""),
        share_attr=definition["share_attr"],
        open_attr=definition["open_attr"],
        publicity_rule=publicity_of(definition).rule,
        update_deadline_workdays=definition.get("update_deadline_workdays", 7),
        update_frequency=definition.get("update_frequency", ""),
        retention=definition.get("retention", ""),
        definition=definition,
        definition_hash=digest,
    )
    Field.objects.bulk_create(
        _field_row(version, position, spec)
        for position, spec in enumerate(definition["fields"], start=1)
    )
    before = {"version": current.number, "hash": current.definition_hash} if current else None
    dataset.name = definition["name"]
    dataset.current_version = version
    dataset.save(update_fields=["name", "current_version"])
    log_change(
        actor,
        "catalog_version_created",
        "catalog.DatasetVersion",
        version.pk,
        before=before,
        after={
            "dataset": dataset.code,
            "version": number,
            "hash": digest,
            "fields": len(definition["fields"]),
            "file": source,
        },
    )
    status = CREATED if created else NEW_VERSION
    return LoadResult(dataset.code, dataset.name, status, number, source)


def _field_row(version: DatasetVersion, position: int, spec: dict[str, Any]) -> Field:
    return Field(
        version=version,
        position=position,
        code=spec["code"],
        label=spec["label"],
        type=spec["type"],
        identifier=spec.get("identifier", ""),
        required=spec.get("required", False),
        required_when=spec.get("required_when"),
        max_length=spec.get("max_length"),
        enum_values=spec.get("values", []),
        enum_free_prefix=spec.get("free_prefix", ""),
        default=spec.get("default", ""),
        masking=spec.get("masking", ""),
        public=spec.get("public", True),
        role=spec.get("role", ""),
        help=spec.get("help", ""),
        rules={key: spec[key] for key in RULE_KEYS if key in spec},
    )
