"""Row validation compiled from a catalog version.

`compile_version` turns the Field rows of one DatasetVersion into a list of small checker
closures once per batch; `RowValidator.validate` then runs them for every row. The same
validator serves files and the JSON API, so a rule can never differ between the two.

A dataset may need a check its catalog cannot express because it depends on data the
platform keeps (a list decision names a list type, which must exist and which the sending
department must be allowed to decide). The app consuming that dataset provides it as a
`RowCheck`, built once per batch; the pipeline hands it to the validator, so such problems
are row errors like any other: found before anything is stored, reported with their row
and column, subject to the batch's policy and shown by a validate-only run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from credit.catalog.models import Field, FieldType
from credit.collection import errors
from credit.collection.columns import is_report_column
from credit.collection.errors import FileProblem, Problem
from credit.core import identifiers
from credit.core.normalize import halfwidth, header_key

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MULTI_SPLIT = re.compile(r"[;；]")
# Characters; the longest free text the standards foresee (违法事实, 处罚内容) is 4000.
DEFAULT_TEXT_MAX_LENGTH = 4000
ID_CARD = "身份证"


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if " " in text:  # "2024/05/01 00:00:00" from spreadsheets
        text = text.split(" ", 1)[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


# Dates a department may send, whatever the field (issue 10, #20):
# - 9999/12/31 is how many systems export "no end"; the standard's long-term marker is
#   2099/12/31 (domain.md §3.2), so the one becomes the other.
# - After 2099/12/31 nothing is plausible; before the earliest date (CREDIT_EARLIEST_DATE,
#   1949-10-01: no decision of a PRC authority is older) a date is a typing error such as
#   1899 or 0001, refused as out of range rather than as "calendar not entered".
# - A bare integer is an Excel date serial (a date cell saved without its format, or
#   exported to CSV): converted as Excel shows it, with Excel's 1900 leap-year bug.
LONG_TERM = dt.date(2099, 12, 31)
NO_END = dt.date(9999, 12, 31)
_SERIAL = re.compile(r"^\d{1,7}(?:\.0+)?$")
_EXCEL_FAKE_LEAP_DAY = 60  # Excel's 1900/02/29, a day that never existed
_EXCEL_LAST_SERIAL = 2_958_465  # 9999/12/31


def earliest_date() -> dt.date:
    from django.conf import settings

    return dt.date.fromisoformat(getattr(settings, "CREDIT_EARLIEST_DATE", "1949-10-01"))


def _ymd(day: dt.date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"  # strftime drops year 1's zeros


def excel_serial_date(serial: int) -> dt.date | None:
    """The date Excel shows for a serial number; None for 0, for the fake 1900/02/29 and
    past 9999/12/31 (Excel's last date)."""
    if serial <= 0 or serial == _EXCEL_FAKE_LEAP_DAY or serial > _EXCEL_LAST_SERIAL:
        return None
    if serial < _EXCEL_FAKE_LEAP_DAY:
        return dt.date(1899, 12, 31) + dt.timedelta(days=serial)
    return dt.date(1899, 12, 30) + dt.timedelta(days=serial)


def _rules(field: Field) -> dict:
    return getattr(field, "rules", None) or {}


@dataclass(slots=True)
class ColumnMap:
    """Which source column feeds which field."""

    fields: list[Field]
    positions: list[int | None]  # per field: index in the source row, None = column absent
    header: list[str]


# A header of thousands of unknown columns is one mistake, not thousands: the first ones are
# listed, then one problem counts the rest.
HEADER_PROBLEMS_SHOWN = 50


def map_header(header: list[str], fields: list[Field], sheet: str = "") -> ColumnMap:
    """Match source headers to fields by label, exchange code or alias; report problems.

    The columns the platform's own report adds (columns.REPORT_COLUMNS) are skipped
    wherever they stand; every other unknown column is refused."""
    index: dict[str, Field] = {}
    for f in fields:
        index[header_key(f.label)] = f
        index[header_key(f.code)] = f
        for alias in _rules(f).get("aliases", []):
            index[header_key(alias)] = f
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for pos, raw in enumerate(header):
        label = (raw or "").strip().lstrip("\ufeff")
        if not label:
            continue
        f = index.get(header_key(label))
        if f is None and is_report_column(label):
            # A corrected report uploaded again: the columns the platform added are not
            # data. A catalog field of the same name (matched above) still wins.
            continue
        if f is None:
            problems.append(
                Problem(
                    errors.HEADER_UNKNOWN,
                    f"未知的列「{errors.shown(label)}」：不在该信息事项的目录中",
                    row=1,
                    column=label,
                    sheet=sheet,
                )
            )
        elif f.code in positions:
            problems.append(
                Problem(
                    errors.HEADER_DUPLICATE,
                    f"列「{errors.shown(label)}」重复出现（对应字段 {f.label}）",
                    row=1,
                    column=label,
                    sheet=sheet,
                )
            )
        else:
            positions[f.code] = pos
    missing = [f.label for f in fields if f.required and f.code not in positions and not f.default]
    if missing:
        problems.append(
            Problem(errors.HEADER_MISSING, "缺少必填列：" + "、".join(missing), row=1, sheet=sheet)
        )
    if len(problems) > HEADER_PROBLEMS_SHOWN:
        # The missing columns are the message that matters most: always kept.
        missing_problems = [p for p in problems if p.code == errors.HEADER_MISSING]
        others = [p for p in problems if p.code != errors.HEADER_MISSING]
        hidden = len(others) - HEADER_PROBLEMS_SHOWN
        problems = (
            others[:HEADER_PROBLEMS_SHOWN]
            + missing_problems
            + [
                Problem(
                    errors.HEADER_TRUNCATED,
                    f"另有 {hidden:,} 个表头问题未逐一列出（表头共 {len(header):,} 列），"
                    "请核对表头是否使用了本信息事项的模板",
                    row=1,
                    sheet=sheet,
                )
            ]
        )
    if problems:
        raise FileProblem(problems)
    return ColumnMap(fields, [positions.get(f.code) for f in fields], header)


@dataclass(slots=True)
class RowResult:
    row: int
    values: dict[str, str]  # by exchange code, normalised (dates ISO)
    problems: list[Problem]
    by_role: dict[str, object]


Checker = Callable[[str, dict[str, str]], tuple[str, object] | Problem]

# A dataset-specific row check (see the module docstring). Called with the normalised values
# of a row that passed every field rule (by exchange code, dates ISO); yields one
# (exchange code of the column at fault, stable error code, Chinese message) per problem.
# Plain tuples, so the app providing a check needs nothing from this package.
RowCheck = Callable[[dict[str, str]], Iterable[tuple[str, str, str]]]


class RowValidator:
    """Validates rows of one dataset version for one sending department."""

    def __init__(
        self,
        fields: list[Field],
        department_uscc: str | None,
        today: dt.date,
        row_checks: Sequence[RowCheck] = (),
    ):
        self.fields = fields
        self.department_uscc = department_uscc
        self.today = today
        self._compiled = [(f, self._compile(f)) for f in fields]
        self._role_code = {f.role: f.code for f in fields if f.role}
        # Everything `validate` needs per field, looked up once instead of once per row.
        # Codes, dates, numbers and enum values arrive typed in full width too
        # (９１２１…, ２０２４／０５／０１); free text keeps its Chinese punctuation.
        self._reads = [(f.code, f.type != FieldType.TEXT) for f in fields]
        self._plan = [
            (f.code, check, f.default, f.required, f.required_when, f.label)
            for f, check in self._compiled
        ]
        self._role_items = list(self._role_code.items())
        labels = {f.code: f.label for f in fields}
        self._date_orders = [
            (f.code, other, f.label, f"「{f.label}」不能早于「{labels.get(other, other)}」")
            for f in fields
            if (other := _rules(f).get("not_before_field"))
        ]
        self._source_code = self._role_code.get("source_uscc")
        self._source_label = labels.get(self._source_code, "")
        self._row_checks = list(row_checks)
        self._labels = labels

    # -- compilation ---------------------------------------------------------------

    def _compile(self, f: Field) -> Callable[[str, str, dict[str, str]], tuple[str, object]]:
        rules = _rules(f)
        label = f.label

        def fail(code: str, message: str):
            raise _RowError(code, f"「{label}」{message}")

        kind = f.type
        if kind == FieldType.TEXT:
            # A text field the catalog gives no limit still gets one: an unbounded cell (a
            # 3 MB 违法事实) is never a real value and would be stored, shown and exported.
            limit = f.max_length or DEFAULT_TEXT_MAX_LENGTH

            def check(value, row, _raw):
                if limit and len(value) > limit:
                    fail(errors.MAX_LENGTH, f"长度 {len(value)} 超过上限 {limit} 个字符")
                return value, value

        elif kind == FieldType.ENUM:
            allowed = {str(v) for v in f.enum_values}
            prefix = f.enum_free_prefix
            listing = "、".join(str(v) for v in f.enum_values)
            if prefix:
                listing += f"，或以“{prefix}”开头的说明"

            def check(value, row, _raw):
                if value in allowed or (
                    prefix and value.startswith(prefix) and len(value) > len(prefix)
                ):
                    return value, value
                fail(errors.ENUM_VALUE, f"取值“{errors.shown(value)}”不在允许范围内（{listing}）")

        elif kind == FieldType.MULTI_ENUM:
            allowed = {str(v) for v in f.enum_values}
            prefix = f.enum_free_prefix
            separator = rules.get("separator", ";")

            def check(value, row, _raw):
                parts = [p.strip() for p in _MULTI_SPLIT.split(value) if p.strip()]
                bad = [
                    p for p in parts if p not in allowed and not (prefix and p.startswith(prefix))
                ]
                if bad or not parts:
                    shown = errors.shown("、".join(bad) or value)
                    fail(errors.ENUM_VALUE, f"取值“{shown}”不在允许范围内")
                return separator.join(parts), parts

        elif kind == FieldType.DATE:
            not_future = rules.get("not_future", False)
            today = self.today
            earliest = earliest_date()

            def check(value, row, _raw):
                parsed = parse_date(value)
                serial = ""
                if parsed is None and _SERIAL.match(value):
                    number = int(float(value))
                    parsed = excel_serial_date(number)
                    if parsed is None and number == _EXCEL_FAKE_LEAP_DAY:
                        fail(
                            errors.DATE_FORMAT,
                            f"为 Excel 日期序列值 {number}（对应不存在的日期 1900/02/29），"
                            "请填写实际日期（YYYY/MM/DD）",
                        )
                    serial = f"（Excel 日期序列值 {number}）"
                if parsed is None:
                    fail(
                        errors.DATE_FORMAT,
                        f"日期“{errors.shown(value)}”格式不正确或日期不存在（应为 YYYY/MM/DD）",
                    )
                if parsed == NO_END and not not_future:
                    parsed = LONG_TERM
                if parsed < earliest:
                    fail(
                        errors.DATE_RANGE,
                        f"日期 {_ymd(parsed)}{serial}早于可接受的最早日期 "
                        f"{_ymd(earliest)}，超出范围，请核对是否录入有误",
                    )
                if parsed > LONG_TERM:
                    fail(
                        errors.DATE_RANGE,
                        f"日期 {_ymd(parsed)}{serial}晚于 {_ymd(LONG_TERM)}，超出范围"
                        f"（长期有效请填写 {_ymd(LONG_TERM)}）",
                    )
                if not_future and parsed > today:
                    fail(errors.DATE_FUTURE, f"日期 {parsed:%Y/%m/%d} 晚于今天")
                return parsed.isoformat(), parsed

        elif kind == FieldType.DECIMAL:
            minimum = rules.get("min_exclusive")
            minimum = Decimal(str(minimum)) if minimum is not None else None

            def check(value, row, _raw):
                try:
                    number = Decimal(value.replace(",", ""))
                except InvalidOperation:
                    fail(errors.DECIMAL_FORMAT, f"“{errors.shown(value)}”不是有效的数值")
                if not number.is_finite():
                    fail(errors.DECIMAL_FORMAT, f"“{errors.shown(value)}”不是有效的数值")
                if minimum is not None and number <= minimum:
                    fail(errors.DECIMAL_RANGE, f"数值 {errors.shown(value)} 必须大于 {minimum}")
                return format(number.normalize(), "f"), number

        elif kind == FieldType.IDENTIFIER:
            which = f.identifier
            id_type_field = rules.get("id_type_field", "")
            limit = f.max_length or 64

            def check(value, row, raw):
                try:
                    if which == "uscc":
                        code = identifiers.validate_uscc(value)
                        return code, code
                    if which == "org_code":
                        code = identifiers.validate_org_code(value)
                        return code, code
                    if which == "id_number" or (
                        which == "by_id_type" and raw.get(id_type_field, ID_CARD) in ("", ID_CARD)
                    ):
                        info = identifiers.validate_id_number(value, today=self.today)
                        return info.number, info
                except identifiers.IdentifierError as exc:
                    fail(errors.IDENTIFIER, exc.message)
                if len(value) > limit:
                    fail(errors.MAX_LENGTH, f"长度超过上限 {limit} 个字符")
                return value, value

        else:  # pragma: no cover - the catalog loader refuses unknown types
            raise ValueError(f"unknown field type {kind}")
        if kind in _PURE_TYPES and f.identifier != "by_id_type":
            return _memoised(check)
        return check

    # -- validation ------------------------------------------------------------------

    def validate(
        self, row_no: int, source: list[str], columns: ColumnMap, sheet: str = ""
    ) -> RowResult:
        raw: dict[str, str] = {}
        size = len(source)
        for (code, fold), pos in zip(self._reads, columns.positions, strict=True):
            value = source[pos] if pos is not None and pos < size else ""
            if value:
                value = (halfwidth(value) if fold and not value.isascii() else value).strip()
            raw[code] = value
        values: dict[str, str] = {}
        typed: dict[str, object] = {}
        problems: list[Problem] = []
        for code, check, default, required, required_when, label in self._plan:
            value = raw[code]
            if not value:
                if default:
                    value = default
                elif required:
                    problems.append(
                        Problem(
                            errors.REQUIRED, f"「{label}」为必填项，不能为空", row_no, label, sheet
                        )
                    )
                    continue
                elif required_when and _condition_holds(required_when, raw):
                    problems.append(
                        Problem(
                            errors.REQUIRED_WHEN,
                            f"「{label}」{_condition_text(required_when, self.fields)}时必填",
                            row_no,
                            label,
                            sheet,
                        )
                    )
                    continue
                else:
                    values[code] = ""
                    continue
            try:
                values[code], typed[code] = check(value, row_no, raw)
            except _RowError as exc:
                problems.append(Problem(exc.code, exc.message, row_no, label, sheet))
        if not problems:
            problems.extend(self._cross_checks(row_no, values, typed, sheet))
        by_role = {
            role: typed.get(code, values.get(code) or None) for role, code in self._role_items
        }
        return RowResult(row_no, values, problems, by_role)

    def _cross_checks(self, row_no, values, typed, sheet) -> list[Problem]:
        problems = []
        for code, other, label, message in self._date_orders:
            later, earlier = typed.get(code), typed.get(other)
            if isinstance(later, dt.date) and isinstance(earlier, dt.date) and later < earlier:
                problems.append(Problem(errors.DATE_ORDER, message, row_no, label, sheet))
        source_code = self._source_code
        if (
            self.department_uscc
            and source_code
            and values.get(source_code) not in ("", self.department_uscc)
        ):
            label = self._source_label
            problems.append(
                Problem(
                    errors.SOURCE_MISMATCH,
                    f"「{label}」为 {errors.shown(values[source_code])}，与上报单位（{self.department_uscc}）不一致："
                    "部门只能上报本单位作为数据来源单位的记录",
                    row_no,
                    label,
                    sheet,
                )
            )
        for row_check in self._row_checks:
            for code, error_code, message in row_check(values):
                # Named by label and exchange code: files use either as the header.
                label = self._labels.get(code, code)
                problems.append(
                    Problem(
                        error_code,
                        f"「{label}」（{code}）：{errors.shown(message, 200)}",
                        row_no,
                        label,
                        sheet,
                    )
                )
        return problems


# Checkers whose answer depends on the value alone (dates against the batch's fixed
# `today`) and is immutable. The same codes and dates recur on most rows of a file (the
# authority and the source unit on every row), so each field remembers recent answers.
_PURE_TYPES = frozenset({FieldType.ENUM, FieldType.DATE, FieldType.DECIMAL, FieldType.IDENTIFIER})
MEMO_LIMIT = 50_000


def _memoised(check):
    memo: dict[str, tuple[str, object]] = {}

    def cached(value, row, raw):
        hit = memo.get(value)
        if hit is None:
            hit = check(value, row, raw)  # a failing value raises and is never remembered
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[value] = hit
        return hit

    return cached


class _RowError(Exception):
    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message


def _condition_holds(rule: dict, raw: dict[str, str]) -> bool:
    value = raw.get(rule["field"], "")
    if "in" in rule:
        return value in rule["in"]
    if "contains" in rule:
        return any(rule["contains"] in part for part in _MULTI_SPLIT.split(value))
    if "not_empty" in rule:
        return bool(value)
    return False


def _condition_text(rule: dict, fields: list[Field]) -> str:
    label = next((f.label for f in fields if f.code == rule["field"]), rule["field"])
    if "in" in rule:
        return f"在「{label}」为“{'/'.join(rule['in'])}”"
    if "contains" in rule:
        return f"在「{label}」包含“{rule['contains']}”"
    return f"在填写「{label}」"
