"""The subjects of a batch check, read from an uploaded spreadsheet."""

from __future__ import annotations

from django.conf import settings

from credit.checks.resolve import MAX_SUBJECTS
from credit.core.errors import ServiceError

# --- subjects from an uploaded file -------------------------------------------------------

# Column headers a batch file may use, by normalised header text.
FILE_COLUMNS = {
    "名称": "name",
    "主体名称": "name",
    "企业名称": "name",
    "单位名称": "name",
    "统一社会信用代码": "uscc",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "地区": "region",
    "所在地区": "region",
}


def subjects_from_file(path, filename: str = "") -> list[dict]:
    """Subjects of a CSV/XLSX file with columns 名称, 统一社会信用代码, 身份证号, 地区."""
    from credit.collection.errors import FileProblem
    from credit.collection.readers import open_table
    from credit.collection.workbook_guard import Limits
    from credit.core.normalize import header_key

    # The page's own limits: a check file holds at most MAX_SUBJECTS rows, and its reader
    # runs in a child process with the check's (smaller) memory and CPU allowance.
    limits = Limits.from_settings(
        max_rows=min(settings.CREDIT_UPLOAD_MAX_ROWS, MAX_SUBJECTS + 1),
        memory_mb=settings.CREDIT_CHECK_FILE_MEMORY_MB,
        cpu_seconds=settings.CREDIT_CHECK_FILE_SECONDS,
    )
    try:
        table = open_table(path, filename, limits)
    except FileProblem as exc:
        raise ServiceError("file_unreadable", "；".join(p.message for p in exc.problems)) from exc
    try:
        columns = {
            position: FILE_COLUMNS[header_key(label)]
            for position, label in enumerate(table.header)
            if header_key(label) in FILE_COLUMNS
        }
        if not columns:
            raise ServiceError(
                "file_header",
                "文件缺少核查所需的列：名称、统一社会信用代码、身份证号（至少一列），可选地区",
            )
        subjects = []
        try:
            for _number, values in table.rows:
                subjects.append(
                    {
                        key: values[position].strip() if position < len(values) else ""
                        for position, key in columns.items()
                    }
                )
                if len(subjects) > MAX_SUBJECTS:
                    raise ServiceError("too_many_subjects", f"一次最多核查 {MAX_SUBJECTS} 个主体")
        except FileProblem as exc:
            raise ServiceError(
                "file_unreadable", "；".join(p.message for p in exc.problems)
            ) from exc
    finally:
        table.close()
    if not subjects:
        raise ServiceError("no_subjects", "文件中没有核查主体")
    return subjects
