"""What an upper app adds to the sharing API's answer, registered at start-up.

The sharing API lives here, below the apps that hold some of what it shares (the
evaluation's grade), which records may not import. `credit.evaluation` registers its
reader in `AppConfig.ready()`; without one the answer carries no grade.
"""

from __future__ import annotations

from collections.abc import Callable

GradeReader = Callable[[int], "dict | None"]

_grade_reader: GradeReader | None = None


def register_grade_reader(reader: GradeReader) -> None:
    """`reader(subject_id)` → {grade, meaning, score, valid_from, model_version} or None."""
    global _grade_reader
    _grade_reader = reader


def grade_of(subject_id: int) -> dict | None:
    return _grade_reader(subject_id) if _grade_reader is not None else None
