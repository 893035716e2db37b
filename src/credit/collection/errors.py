"""Stable error codes of the collection pipeline and the shape of one problem.

Codes are part of the API: departments' systems match on them, so never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass

# File-level (structural) problems: the batch is refused before any row is stored.
FILE_UNREADABLE = "file_unreadable"
FILE_ENCODING = "file_encoding"
FILE_EMPTY = "file_empty"
FILE_FORMAT = "file_format"
# A note on a row that was written (or would be): not an error, the row's result stands.
NAME_MISMATCH = "name_mismatch"
WARNING_CODES = frozenset({NAME_MISMATCH})
FILE_LIMIT = "file_limit"  # past a configured size or shape limit (rows, columns, ratio...)
HEADER_MISSING = "header_missing"
HEADER_UNKNOWN = "header_unknown"
HEADER_DUPLICATE = "header_duplicate"
DUPLICATE_KEY = "duplicate_key"
ROW_WIDTH = "row_width"
# The stored source file of a batch is gone (retention) or unreadable (storage.py).
SOURCE_GONE = "source_gone"
SOURCE_CORRUPT = "source_corrupt"

# Row-level problems.
REQUIRED = "required"
REQUIRED_WHEN = "required_when"
MAX_LENGTH = "max_length"
ENUM_VALUE = "enum_value"
DATE_FORMAT = "date_format"
DATE_FUTURE = "date_future"
DATE_ORDER = "date_order"
DATE_RANGE = "date_range"
DECIMAL_FORMAT = "decimal_format"
DECIMAL_RANGE = "decimal_range"
IDENTIFIER = "identifier_invalid"
SOURCE_MISMATCH = "source_mismatch"
CALENDAR_UNKNOWN = "calendar_unknown"
KEY_CONFLICT = "key_conflict"

# Dataset-specific row problems come from the row checks other apps provide
# (validation.RowCheck) and are declared there, with the same promise never to rename one:
#   list_decision (credit.lists.ingest): unknown_list_type, list_not_allowed,
#   list_period_too_long


ERRORS_TRUNCATED = "errors_truncated"  # more problems than the batch keeps in detail
HEADER_TRUNCATED = "header_truncated"  # more header problems than are listed

# A value quoted back in a message is cut here: a 3 MB cell must not become a 3 MB message.
SHOWN_CHARS = 50


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """`value` as quoted in a message: at most `limit` characters, then "…"."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text):,} 个字符）"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: where it is (sheet, row as in the source file, column) and what."""

    code: str
    message: str
    row: int | None = None
    column: str = ""
    sheet: str = ""

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


class FileProblem(Exception):
    """A structural problem that makes the whole file unusable."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
