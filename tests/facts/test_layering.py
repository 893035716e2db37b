"""The kernel sits below the apps holding facts: they register into it, it imports none
of them (architecture.md: core ← … ← facts ← records, lists)."""

from __future__ import annotations

import ast
from pathlib import Path

import credit.facts

ABOVE = (
    "credit.records",
    "credit.lists",
    "credit.collection",
    "credit.measures",
    "credit.checks",
    "credit.portal",
)


def test_facts_imports_no_app_that_registers_into_it():
    imported = []
    for path in Path(credit.facts.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.append((path.name, node.module))
            elif isinstance(node, ast.Import):
                imported += [(path.name, alias.name) for alias in node.names]
    assert imported, "no imports read: the test reads the wrong files"
    assert [(f, m) for f, m in imported if m.startswith(ABOVE)] == []


def test_records_and_lists_register_their_kinds(db):
    from credit.facts import kinds
    from credit.lists.models import ListEntry
    from credit.records.models import Record

    assert kinds.kind(kinds.RECORD).model is Record
    assert kinds.kind(kinds.LIST_ENTRY).model is ListEntry
