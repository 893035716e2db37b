"""The columns the platform's batch report adds to a department's rows.

Defined once: the report writes them, and the importer drops exactly these from a file's
header (by name, wherever they stand), so a department can correct the report it was given
and upload it again. Any other column the catalog does not know is still refused.
"""

from __future__ import annotations

from credit.core.normalize import header_key

ROW_NUMBER = "行号"
RESULT = "结果"
EXPLANATION = "说明"
WORKDAYS = "报送工作日"
LATE = "是否超期"

# Placed after the source columns (行号 before them), in this order.
OUTCOME_COLUMNS = (RESULT, EXPLANATION, WORKDAYS, LATE)
REPORT_COLUMNS = (ROW_NUMBER, *OUTCOME_COLUMNS)

_KEYS = frozenset(header_key(name) for name in REPORT_COLUMNS)


def is_report_column(label: str) -> bool:
    """A header the platform's report adds (matched as catalog headers are: full-width
    forms and spaces do not matter)."""
    return header_key((label or "").strip().lstrip("\ufeff")) in _KEYS
