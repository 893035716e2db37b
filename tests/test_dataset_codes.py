"""No module names a dataset: dataset codes and exchange codes live in the catalog's
definitions (issue 12, "Done when"). Publicity, portal routes, profile sections, search
counts, sharing and check answers iterate over datasets and their catalog attributes, so a
new dataset needs a YAML file, not code.

The scan reads the codes from the shipped definitions (`catalog/definitions/*.yaml`): every
dataset code, every field's exchange code, and the prefixes those codes use (`CF_`, `XK_`,
...), so a dataset added there is covered at once. It looks at what code does: string
literals in Python (docstrings aside: prose may mention a dataset by way of example) and
quoted strings and exchange codes in templates.
"""

from __future__ import annotations

import ast
import re
from fnmatch import fnmatch
from pathlib import Path

import yaml

import credit

SRC = Path(credit.__file__).parent
DEFINITIONS = SRC / "catalog" / "definitions"

# Modules that may name a dataset, each with why. Keep it short: a dataset with a behaviour
# of its own registers a consumer (collection.consumers) in the module that names it.
ALLOWED = {
    "lists/ingest.py": "⚙ consumer of list_decision: list decisions become list entries",
    "lists/court.py": "⚙ consumer of court_dishonest: court rulings become 失信被执行人 entries",
    "registration/ingest.py": "⚙ consumer of registration: updates the subject's base data",
    "commitments/ingest.py": "⚙ consumer of commitment: keeps each commitment's verification "
    "state in step; builds the commitment and commitment_breach rows the services send",
    "catalog/attributes.py": "catalog: defaults for versions loaded before the attributes "
    "existed (the licence rule's fields)",
    "collection/api_examples.py": "documentation text: the API docs' example request",
    "collection/demo/*.py": "demo data: generates rows of each shipped dataset (make run)",
    "lists/seed.py": "the 失信被执行人 list type's own code, which the court_dishonest "
    "dataset shares",
    "measures/seed.py": "measures of the 失信被执行人 list, named by its list type code",
    "portal/api.py": "OpenAPI example of the public profile (documentation text)",
    "notices/api.py": "OpenAPI example of a notice (documentation text)",
    "repairs/api.py": "OpenAPI example of a repair application (documentation text)",
}

# Modules other engineers were making dataset-driven (issue 12): empty now; an entry that
# no longer names a dataset fails `test_allow_lists_have_no_stale_entries`.
TEMPORARY_ALLOWED: dict[str, str] = {}


def _shipped_codes() -> tuple[set[str], set[str], set[str]]:
    datasets, fields, prefixes = set(), set(), set()
    for path in DEFINITIONS.glob("*.yaml"):
        definition = yaml.safe_load(path.read_text(encoding="utf-8"))
        datasets.add(definition["code"])
        for field in definition["fields"]:
            fields.add(field["code"])
            prefixes.add(field["code"].split("_", 1)[0])
    return datasets, fields, prefixes


DATASETS, FIELDS, PREFIXES = _shipped_codes()
_PREFIXES = "|".join(sorted(PREFIXES))
_DATASETS = "|".join(sorted(DATASETS))
EXCHANGE = re.compile(rf"\b(?:{_PREFIXES})_[A-Z0-9_]*[A-Z0-9]\b")
QUOTED = re.compile(rf"""["']({_DATASETS})["']""")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _python_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    named = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in docs:
            continue
        if node.value in DATASETS:
            named.append(f"{node.lineno}: dataset code “{node.value}”")
        for code in EXCHANGE.findall(node.value):
            named.append(f"{node.lineno}: exchange code “{code}”")
    return named


def _template_names(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    named = [f"dataset code {m.group(0)}" for m in QUOTED.finditer(text)]
    return named + [f"exchange code “{code}”" for code in EXCHANGE.findall(text)]


def _scanned() -> dict[str, list[str]]:
    """{path under src/credit: what it names}, for every module and template naming one."""
    found = {}
    for path in sorted(SRC.rglob("*")):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith("catalog/definitions/") or "/migrations/" in relative:
            continue  # the definitions themselves; migrations are history, never edited
        if path.suffix == ".py":
            named = _python_names(path)
        elif path.suffix in {".html", ".txt", ".js"}:
            named = _template_names(path)
        else:
            continue
        if named:
            found[relative] = named
    return found


def _allowed(relative: str, allow_list: dict[str, str]) -> bool:
    return any(fnmatch(relative, pattern) for pattern in allow_list)


def test_the_scan_knows_the_shipped_codes():
    # Guards the scan itself: an empty set would pass every module.
    assert {"penalty", "licence", "list_decision"} <= DATASETS
    assert {"CF", "XK"} <= PREFIXES and "CF_WSH" in FIELDS
    assert EXCHANGE.findall("data['CF_WFXW'] or XK_YXQZI") == ["CF_WFXW", "XK_YXQZI"]


def test_no_module_names_a_dataset_or_an_exchange_code():
    offenders = {
        relative: named
        for relative, named in _scanned().items()
        if not _allowed(relative, ALLOWED) and not _allowed(relative, TEMPORARY_ALLOWED)
    }
    assert offenders == {}, (
        "These modules name a dataset; read what the dataset means from its catalog "
        "attributes (credit.catalog.attributes) instead, or register a consumer: "
        + "; ".join(f"{path} ({', '.join(named[:3])})" for path, named in offenders.items())
    )


def test_allow_lists_have_no_stale_entries():
    """An allowed module that no longer names a dataset leaves the list, so the list
    shrinks as modules become dataset-driven (the TEMPORARY one down to nothing)."""
    scanned = _scanned()
    stale = [
        pattern
        for pattern in [*ALLOWED, *TEMPORARY_ALLOWED]
        if not any(fnmatch(relative, pattern) for relative in scanned)
    ]
    assert stale == []
