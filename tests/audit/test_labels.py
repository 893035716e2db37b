"""Every action code the code base writes into the change log has a Chinese label."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import credit
from credit.audit import labels
from credit.lists.models import RemovalKind

SRC = Path(credit.__file__).parent
# Codes built at run time, by the f-string that builds them.
EXPANDED = {
    # lists/services.py `_record(actor, entry, "<action>", ...)` logs list_entry.<action>.
    'f"list_entry.{action}"': lambda: {f"list_entry.{a}" for a in _list_actions()},
    # repairs/services.py `_step(actor, app, "<action>", ...)` logs repair.<action>.
    'f"repair.{action}"': lambda: {f"repair.{a}" for a in _step_actions()},
}
# Written by raw SQL rather than a log_change call.
RAW_SQL = {"records/upsert.py": re.compile(r'^RECORD_UPDATED = "([^"]+)"', re.M)}


def _list_actions() -> set[str]:
    tree = ast.parse((SRC / "lists/services.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_record":
            arg = node.args[2]
            if isinstance(arg, ast.Constant):
                found.add(arg.value)
            elif ast.unparse(arg) == "f'remove_{kind}'":
                found |= {f"remove_{kind}" for kind in RemovalKind.values}
            else:
                raise AssertionError(f"unknown list action {ast.unparse(arg)}")
    return found


def _step_actions() -> set[str]:
    tree = ast.parse((SRC / "repairs/services.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_step":
            arg = node.args[2]
            if not isinstance(arg, ast.Constant):
                raise AssertionError(f"unknown repair step {ast.unparse(arg)}")
            found.add(arg.value)
    return found


def _constants(tree) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _codes(node, constants, where) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name) and node.id in constants:
        return {constants[node.id]}
    if isinstance(node, ast.IfExp):
        return _codes(node.body, constants, where) | _codes(node.orelse, constants, where)
    text = ast.unparse(node).replace("'", '"')
    if text in EXPANDED:
        return EXPANDED[text]()
    raise AssertionError(f"{where}: cannot tell which action code {text} writes")


def emitted_action_codes() -> set[str]:
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        # These pass their callers' codes through; the callers are scanned.
        passing = ("audit/services.py", "audit/adminlog.py", "facts/transitions.py")
        if "migrations" in rel or rel in passing:
            continue
        source = path.read_text()
        if rel in RAW_SQL:
            codes |= set(RAW_SQL[rel].findall(source))
        if "log_change(" not in source and "ChangeLog(" not in source:
            continue
        tree = ast.parse(source)
        constants = _constants(tree)
        for node in ast.walk(tree):
            func = getattr(node, "func", None)
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            # facts.transitions.ChangeLog(action, ...) is written by the one write path.
            if isinstance(node, ast.Call) and name == "ChangeLog":
                codes |= _codes(node.args[0], constants, f"{rel}:{node.lineno}")
            if isinstance(node, ast.Call) and name == "log_change":
                action = node.args[1] if len(node.args) > 1 else None
                for kw in node.keywords:
                    if kw.arg == "action":
                        action = kw.value
                codes |= _codes(action, constants, f"{rel}:{node.lineno}")
    return codes


def test_every_emitted_action_code_has_a_chinese_label():
    codes = emitted_action_codes()
    # The scan sees the calls it must: a service, the import pipeline, the list procedure.
    assert {"record_updated", "batch_finished", "list_entry.decide", "user.enable"} <= codes
    assert "list_entry.remove_expiry" in codes
    # Written through facts.transitions.ChangeLog, not a log_change call of their own.
    assert {"record_withdrawn", "record_publish_minor"} <= codes
    missing = sorted(code for code in codes if code not in labels.ACTIONS)
    assert not missing


def test_labels_are_chinese():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for table in (labels.ACTIONS, labels.OBJECTS, labels.RESOURCES, labels.FIELDS):
        assert all(cjk.search(label) for label in table.values())


def test_change_log_rows_from_before_the_statement_rename_stay_readable():
    # Old rows keep "objection" codes and payload keys (the log is append-only); the new
    # codes and the renamed model fields read the same.
    for old, new in (("objection", "statement"), ("waive_objection", "waive_statement")):
        assert labels.action(f"list_entry.{old}") == labels.action(f"list_entry.{new}")
    assert labels.action("list_entry.statement") == "登记陈述申辩"
    for suffix in ("deadline", "waived", "waived_on", "waiver_number", "waiver_file_name"):
        old = labels.field("ListEntry", f"objection_{suffix}")
        assert old == labels.field("ListEntry", f"statement_{suffix}")
        assert "陈述申辩" in old
