"""Reading a stored check's results: the access log of each read, and the Excel export.

A check's answer holds list entries and negative records that are not public, so showing
it on a page or exporting it is a read of non-public data and is access-logged like the
check itself: one row per matched subject read, under the check's resource, with the
purpose saying how it was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from io import BytesIO

from django.utils import timezone

from credit.audit import services as audit
from credit.checks.answer import answer_with_feedback
from credit.checks.models import CreditCheck, Feedback
from credit.checks.resolve import STATUS_LABELS
from credit.checks.store import ACCESS_RESOURCE, get_check
from credit.core import spreadsheet_safe
from credit.core.actors import Actor
from credit.core.masking import mask_id_number, mask_text_ids
from credit.subjects.models import Subject

VIEW_PURPOSE = "查看核查结果"
EXPORT_PURPOSE = "导出核查结果"
COLUMNS = (
    "序号",
    "输入",
    "匹配状态",
    "主体名称",
    "统一社会信用代码",
    "证件号码",
    "结论",
    "黑名单条目",
    "红名单条目",
    "不良记录数",
    "不良记录",
    "适用措施",
    "反馈情况",
)
WIDTHS = (7, 36, 10, 30, 22, 22, 22, 40, 40, 10, 60, 50, 40)
# Public ids per query: within SQLite's parameter limit.
CHUNK = 900
# Excel refuses longer cell text.
CELL_LIMIT = 32_000


def log_read(actor: Actor, check: CreditCheck, items: Iterable[dict], purpose: str) -> int:
    """Access-log the matched subjects of `items` (answer items of `check`) as read for
    `purpose`; a read that showed no matched subject is logged once without a subject, so
    the read itself is still on record."""
    named = {
        item["subject"]["public_id"]: item["subject"]["name"]
        for item in items
        if item.get("status") == "matched" and item.get("subject")
    }
    text = f"{purpose}（#{check.pk}）"
    ids: list[tuple[int, str]] = []
    public_ids = sorted(named)
    for start in range(0, len(public_ids), CHUNK):
        rows = Subject.objects.filter(public_id__in=public_ids[start : start + CHUNK])
        ids += [(pk, named[public_id]) for pk, public_id in rows.values_list("pk", "public_id")]
    if purpose == VIEW_PURPOSE:
        # Reloading the result page (a feedback round, paging back) is one reading.
        seen = _recently_logged(actor, text, [pk for pk, _ in ids])
        if seen is None:
            return 0
        ids = [(pk, name) for pk, name in ids if pk not in seen]
        if not ids and seen:
            return 0
    if not ids:
        audit.log_access(actor, ACCESS_RESOURCE, text, subject_label="（无匹配主体）")
        return 1
    return audit.log_access_many(actor, ids, resource=ACCESS_RESOURCE, purpose=text)


def _recently_logged(actor: Actor, purpose: str, subject_ids: list[int]) -> set[int] | None:
    """Subjects of `subject_ids` this actor's view of this result logged within
    CREDIT_ACCESS_LOG_DEDUP_SECONDS; None when a view without subjects was logged (then
    nothing is to be written), an empty set when nothing was."""
    from django.conf import settings

    from credit.audit.models import AccessLog

    window = settings.CREDIT_ACCESS_LOG_DEDUP_SECONDS
    if not window:
        return set()
    recent = AccessLog.objects.filter(
        actor_label=actor.label,
        actor_user_id=actor.user.pk if actor.user is not None else None,
        actor_client_id=actor.client.pk if actor.client is not None else None,
        resource=ACCESS_RESOURCE,
        purpose=purpose,
        at__gte=timezone.now() - dt.timedelta(seconds=window),
    )
    if not subject_ids:
        return None if recent.filter(subject_id__isnull=True).exists() else set()
    seen: set[int] = set()
    for start in range(0, len(subject_ids), CHUNK):
        chunk = subject_ids[start : start + CHUNK]
        seen.update(recent.filter(subject_id__in=chunk).values_list("subject_id", flat=True))
    return seen


def read_answer(actor: Actor, check_id: int) -> dict:
    """The stored answer of a check the actor may read, with its feedback; the read is
    access-logged (every subject in it), as the result page and the export are."""
    check = get_check(actor, check_id)
    answer = answer_with_feedback(check)
    log_read(actor, check, answer["items"], VIEW_PURPOSE)
    return answer


def export_filename(check: CreditCheck) -> str:
    day = timezone.localtime(check.created_at).strftime("%Y%m%d")
    return f"信用核查结果_{check.pk}_{day}.xlsx"


def export_xlsx(actor: Actor, check_id: int, today: dt.date | None = None) -> tuple[str, bytes]:
    """(file name, XLSX bytes) of a check the actor may read (`get_check`: another
    department's check is not found); the export is access-logged."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    check = get_check(actor, check_id)
    answer = check.answer
    items = answer.get("items", [])
    today = today or timezone.localdate()
    # write_only streams rows into the file: a 10,000-subject check costs seconds, not the
    # memory of 120,000 cell objects.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("核查结果")
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    bold = Font(bold=True)

    def cell(value, font=None):
        # Plain values where possible: a WriteOnlyCell per value, or an empty string where
        # nothing is to be written, costs openpyxl more than twice the time. Input typed
        # as "=…", "+…", "@…" stays text (spreadsheet_safe).
        if value == "":
            return None
        return spreadsheet_safe.xlsx_value(sheet, value, font)

    now = timezone.localtime()
    header = (
        ("核查编号", f"#{check.pk}"),
        ("场景", answer.get("scenario", {}).get("name", "")),
        ("事由", answer.get("purpose") or check.purpose),
        ("部门", answer.get("department", "")),
        ("核查人", answer.get("requested_by") or check.actor_label),
        (
            "时间",
            timezone.localtime(check.created_at).strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）",
        ),
        ("核查主体数", len(items)),
        ("导出", f"{actor.label} 于 {now:%Y-%m-%d %H:%M:%S}（北京时间）导出"),
    )
    for label, value in header:
        sheet.append([cell(label, bold), cell(value)])
    sheet.append([])
    sheet.append([cell(title, bold) for title in COLUMNS])
    feedback = _feedback_by_position(check, today)
    for item in items:
        sheet.append([cell(v) for v in _row(item, feedback.get(item["index"], {}))])
    buffer = BytesIO()
    workbook.save(buffer)
    log_read(actor, check, items, EXPORT_PURPOSE)
    return export_filename(check), buffer.getvalue()


def _feedback_by_position(check: CreditCheck, today: dt.date) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    rows = Feedback.objects.filter(check_run=check).values_list(
        "check_subject__position",
        "measure_code",
        "applied",
        "reason",
        "result",
        "given_at",
        "due_date",
    )
    for position, code, applied, reason, result, given_at, due in rows.iterator():
        if given_at is None:
            state = "逾期未反馈" if due < today else f"待反馈（截止 {due:%Y-%m-%d}）"
        else:
            # As the result page words it: a reason may come with an applied measure too.
            state = "已实施" if applied else "未实施"
            state += (f"；理由：{reason}" if reason else "") + (
                f"；结果：{result}" if result else ""
            )
        out.setdefault(position, {})[code] = state
    return out


def _entry_text(entry: dict) -> str:
    end = entry.get("period_end") or "长期"
    return (
        f"{entry.get('list_name', '')}（{entry.get('decision_number', '')}，"
        f"{entry.get('period_start') or ''} 至 {end}）"
        + ("（异议处理中）" if entry.get("disputed") else "")
    )


def _record_text(record: dict) -> str:
    """A negative record with its dataset's summary fields (the catalog's check fields)."""
    summary = "；".join(f"{label}：{value}" for label, value in record.get("summary", {}).items())
    head = (
        f"{record.get('dataset_name', '')} {record.get('doc_number', '')}"
        f"（{record.get('decision_date') or ''}，{record.get('authority', '')}）"
    )
    return f"{head} {summary}" if summary else head


def _records_cell(records: list[dict]):
    """The count of negative records; the 异议标注 said in words when any carries it."""
    disputed = sum(1 for r in records if r.get("disputed"))
    return f"{len(records)}（其中 {disputed} 条异议处理中）" if disputed else len(records)


def _candidate_text(candidate: dict) -> str:
    return (
        f"候选：{candidate.get('name', '')}（{candidate.get('uscc') or '无代码'}，"
        f"得分 {candidate.get('score', '')}）"
    )


def _text(value: str) -> str:
    # ID numbers never leave in clear, whatever text they hide in; Excel caps a cell.
    return mask_text_ids(value or "")[:CELL_LIMIT]


def _row(item: dict, feedback: dict[str, str]) -> Iterator:
    given = item.get("input", {})
    subject = item.get("subject") or {}
    measures = item.get("measures", [])
    status = item.get("status", "")
    yield item["index"] + 1
    yield _text(
        " ".join(
            part
            for part in (
                given.get("name", ""),
                given.get("uscc", ""),
                mask_id_number(given["id_number"]) if given.get("id_number") else "",
                given.get("region", ""),
            )
            if part
        )
    )
    yield STATUS_LABELS.get(status, status)
    yield _text(subject.get("name", ""))
    yield subject.get("uscc", "")
    yield mask_id_number(subject["id_number"]) if subject.get("id_number") else ""
    if status == "matched":
        yield "、".join(item.get("verdicts", []))
    else:
        yield _text(
            "\n".join([item.get("message", ""), *map(_candidate_text, item.get("candidates", []))])
        )
    yield _text("\n".join(_entry_text(e) for e in item.get("black_entries", [])))
    yield _text("\n".join(_entry_text(e) for e in item.get("red_entries", [])))
    yield _records_cell(item.get("records", [])) if status == "matched" else ""
    yield _text("\n".join(_record_text(r) for r in item.get("records", [])))
    yield _text("\n".join(f"{m['code']} {m.get('text', '')}" for m in measures))
    if item.get("duplicate_of") is not None:
        # Feedback is owed once per subject, on its first row.
        yield f"同一主体，见序号 {item['duplicate_of'] + 1}"
    else:
        yield _text(
            "\n".join(f"{m['code']}：{feedback.get(m['code'], '待反馈')}" for m in measures)
        )
