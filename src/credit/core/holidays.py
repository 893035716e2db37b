"""Entering a year's holidays from the 国务院办公厅 notice (关于某年部分节假日安排的通知).

The credit office pastes the notice's text; `parse_notice` reads each item ("一、元旦：1月1日
（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。") into the days off and the make-up
working days (调休上班), checking what the notice itself states: the weekday written next
to each date and the "共N天" of each holiday. The office previews the result and
`accounts.calendar.save_year` writes it (the credit office's configuration, change-logged,
above core in the layers), replacing the office's entries of that year, in one change-logged
transaction.

What the parser understands: dates "M月D日" (and "YYYY年M月D日"; "D日" takes the month
before it), ranges with 至 (also across months: "5月31日至6月2日"), lists with 、, annotations
in brackets ("（农历除夕、周二）"), "放假" and "上班" clauses. Anything else in a clause that
holds a date is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKDAYS = "一二三四五六日"
MAX_TEXT_CHARS = 20_000

_ITEM = re.compile(r"(?:^|\n|。)\s*[一二三四五六七八九十]+\s*[、.．]\s*")
_ANNOTATION = re.compile(r"[（(]([^（）()]*)[）)]")
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日")
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_TOTAL = re.compile(r"共\s*(\d+)\s*天")
_RANGE = re.compile(r"^\s*(?:至|到|[-－—~～])\s*$")
_LIST = re.compile(r"^\s*[、，,和及]?\s*$")


@dataclass(frozen=True)
class Day:
    day: date
    is_workday: bool
    name: str

    @property
    def weekday(self) -> str:
        return "周" + WEEKDAYS[self.day.weekday()]

    @property
    def kind(self) -> str:
        return "上班（调休）" if self.is_workday else "放假"


@dataclass
class Notice:
    year: int
    days: list[Day] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def holidays(self) -> list[Day]:
        return [d for d in self.days if not d.is_workday]

    @property
    def workdays(self) -> list[Day]:
        return [d for d in self.days if d.is_workday]


def _mark_dates(text: str) -> tuple[str, dict[int, str]]:
    """The text without bracketed annotations, and each annotation by the offset (in the
    stripped text) it followed: the weekday written after a date is checked against it."""
    notes: dict[int, str] = {}
    out: list[str] = []
    last = 0
    length = 0
    for match in _ANNOTATION.finditer(text):
        piece = text[last : match.start()]
        out.append(piece)
        length += len(piece)
        # Keyed by the end of the date it follows, a space in between or not.
        notes[length - (len(piece) - len(piece.rstrip()))] = match.group(1)
        last = match.end()
    out.append(text[last:])
    return "".join(out), notes


def _clauses(body: str) -> list[str]:
    return [c for c in re.split(r"[。；;，,]", body) if c.strip()]


class _ItemParser:
    def __init__(self, notice: Notice, name: str, label: str):
        self.notice = notice
        self.name = name
        self.label = label  # how problems name the item: "二、春节"
        self.month: int | None = None
        self.year = notice.year
        self.last_holidays: list[date] | None = None

    def problem(self, message: str) -> None:
        self.notice.problems.append(f"{self.label}：{message}")

    def _date(self, match: re.Match, note: str | None, raw: str) -> date | None:
        year_text, month_text, day_text = match.groups()
        if year_text:
            self.year = int(year_text)
        if month_text:
            self.month = int(month_text)
        if self.month is None:
            self.problem(f"“{raw}”没有月份")
            return None
        try:
            day = date(self.year, self.month, int(day_text))
        except ValueError:
            self.problem(f"“{raw}”不是有效的日期（{self.year} 年）")
            return None
        if note:
            said = _WEEKDAY.search(note)
            if said:
                written = "日" if said.group(1) == "天" else said.group(1)
                actual = WEEKDAYS[day.weekday()]
                if written != actual:
                    self.problem(
                        f"{day.month}月{day.day}日标注为周{written}，但 {day.year} 年的这一天是"
                        f"周{actual}，请核对所选年份与通知的年份是否一致"
                    )
        return day

    def clause_dates(self, clause: str, notes: dict[int, str], offset: int) -> list[date]:
        """Every date of a clause, ranges expanded; what lies between dates must be 至 or 、."""
        days: list[date] = []
        previous_end = None
        pending_range_from: date | None = None
        for match in _DATE.finditer(clause):
            between = clause[previous_end : match.start()] if previous_end is not None else ""
            raw = match.group(0)
            note = notes.get(offset + match.end())
            day = self._date(match, note, raw)
            if previous_end is not None:
                if _RANGE.match(between):
                    pending_range_from = days[-1] if days else None
                elif not _LIST.match(between):
                    self.problem(f"无法识别日期之间的“{between.strip()}”")
            previous_end = match.end()
            if day is None:
                pending_range_from = None
                continue
            if pending_range_from is not None:
                if day < pending_range_from:
                    self.problem(f"日期范围的结束日早于开始日（{raw}）")
                else:
                    step = pending_range_from + timedelta(days=1)
                    while step <= day:
                        days.append(step)
                        step += timedelta(days=1)
                pending_range_from = None
                continue
            days.append(day)
        return days

    def parse(self, body: str) -> None:
        text, notes = _mark_dates(body)
        pending: list[date] = []
        offset = 0
        # Offsets of each clause in `text`, so annotations are found by position.
        for clause in re.split(r"([。；;，,])", text):
            start = offset
            offset += len(clause)
            if clause in ("。", "；", ";"):
                # A sentence states its own dates' kind: none carries into the next one.
                self._unresolved(pending)
                pending = []
                continue
            if clause in ("，", ",") or not clause.strip():
                continue
            found = self.clause_dates(clause, notes, start)
            pending.extend(found)
            total = _TOTAL.search(clause)
            if "上班" in clause:
                self._add(pending, is_workday=True)
                pending = []
            elif "放假" in clause or "休息" in clause:
                self._add(pending, is_workday=False)
                self.last_holidays = list(pending)
                pending = []
            if total and self.last_holidays is not None:
                stated = int(total.group(1))
                if stated != len(self.last_holidays):
                    self.problem(
                        f"通知写明共 {stated} 天，但解析出的放假日期为 "
                        f"{len(self.last_holidays)} 天，请核对"
                    )
        self._unresolved(pending)

    def _unresolved(self, pending: list[date]) -> None:
        if pending:
            self.problem(
                "以下日期未说明是放假还是上班："
                + "、".join(f"{d.month}月{d.day}日" for d in pending)
            )

    def _add(self, days: list[date], *, is_workday: bool) -> None:
        name = f"{self.name}调休上班" if is_workday else self.name
        for day in days:
            self.notice.days.append(Day(day, is_workday, name[:50]))


def _item_body(body: str) -> str:
    """The item's own sentences: a line ending in 。 ends it unless the next line is
    the same sentence wrapped (text copied from a PDF). What follows the last item (the
    closing paragraph, the signature and its date) is not part of it."""
    kept: list[str] = []
    for line in body.split("\n"):
        if kept and kept[-1].rstrip().endswith("。"):
            break
        if line.strip():
            kept.append(line.strip())
    return "".join(kept)


def parse_notice(text: str, year: int) -> Notice:
    """The days off and make-up working days of the notice's items, sorted, with problems."""
    notice = Notice(year)
    text = (text or "").replace("\r", "")[:MAX_TEXT_CHARS]
    starts = list(_ITEM.finditer(text))
    if not starts:
        notice.problems.append(
            "未找到节日条目：请粘贴通知正文中“一、元旦：……”起的各条（每条以 一、二、… 开头）"
        )
        return notice
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        item = text[match.end() : end].strip()
        head, sep, body = item.partition("：")
        if not sep:
            head, sep, body = item.partition(":")
        numeral = match.group(0).strip().lstrip("。").strip()
        if not sep or not head.strip():
            notice.problems.append(f"第 {index + 1} 条“{item[:20]}”缺少“节日名称：”")
            continue
        name = head.strip()
        parser = _ItemParser(notice, name, f"{numeral}{name}")
        parser.parse(_item_body(body))
    seen: dict[date, Day] = {}
    for day in notice.days:
        other = seen.get(day.day)
        if other and other.is_workday != day.is_workday:
            notice.problems.append(
                f"{day.day.month}月{day.day.day}日既是放假又是上班（{other.name}、{day.name}）"
            )
        seen.setdefault(day.day, day)
    notice.days = sorted(seen.values(), key=lambda d: d.day)
    outside = [d for d in notice.days if d.day.year != year]
    if outside and len(outside) == len(notice.days):
        notice.problems.append(f"解析出的日期都不在 {year} 年，请核对所选年份")
    if not notice.days and not notice.problems:
        notice.problems.append("通知中没有找到任何放假或上班日期")
    return notice
