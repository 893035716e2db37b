"""Writes of the catalog: loading YAML definitions into versioned tables.

A version is never edited: a changed definition becomes a new DatasetVersion with its
own Field rows, so records keep pointing at the rules they were validated against.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from credit.audit.services import log_change
from credit.catalog.attributes import publicity_of
from credit.catalog.definition import RULE_KEYS, DefinitionError, definition_hash, read_definition
from credit.catalog.models import Dataset, DatasetVersion, Field
from credit.core.actors import Actor
from credit.core.errors import PermissionDenied

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

CREATED = "created"  # new dataset, version 1
NEW_VERSION = "new_version"  # existing dataset, definition changed
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class LoadResult:
    code: str
    name: str
    status: str  # CREATED, NEW_VERSION or UNCHANGED
    version: int
    filename: str

    @property
    def status_label(self) -> str:
        return {CREATED: "新建", NEW_VERSION: "新版本", UNCHANGED: "未变化"}[self.status]


def load_definitions(actor: Actor, directory: Path | str | None = None) -> list[LoadResult]:
    """Load every `*.yaml` of `directory` (default: the shipped definitions).

    All files are checked before anything is written, and the writes happen in one
    transaction: a bad file leaves the catalog exactly as it was.
    """
    if not actor.is_credit_admin:
        raise PermissionDenied("只有信用主管部门管理员可以更新信息目录")
    folder = Path(directory) if directory is not None else DEFINITIONS_DIR
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise DefinitionError(str(folder), ["目录下没有 .yaml 定义文件"])

    definitions: list[tuple[Path, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for path in paths:
        definition = read_definition(path)
        code = definition["code"]
        if code in seen:
            raise DefinitionError(path.name, [f"事项代码“{code}”已在 {seen[code]} 中定义"])
        seen[code] = path.name
        definitions.append((path, definition))

    with transaction.atomic():
        return [_load_one(actor, path, definition) for path, definition in definitions]


def _load_one(actor: Actor, path: Path, definition: dict[str, Any]) -> LoadResult:
    digest = definition_hash(definition)
    dataset, created = Dataset.objects.select_for_update().get_or_create(
        code=definition["code"], defaults={"name": definition["name"]}
    )
    current = dataset.current_version
    if current is not None and current.definition_hash == digest:
        return LoadResult(dataset.code, dataset.name, UNCHANGED, current.number, path.name)

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
            "file": path.name,
        },
    )
    status = CREATED if created else NEW_VERSION
    return LoadResult(dataset.code, dataset.name, status, number, path.name)


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
