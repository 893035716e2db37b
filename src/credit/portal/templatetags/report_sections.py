"""The report's sections as HTML, for the profile pages (portal and console).

The 信用档案 page is the portal's busiest. Through the template engine its eight sections
cost more CPU than reading the subject's facts did: every `{% include %}`, `{% url %}`,
`|date` and variable lookup runs per row, and the page's throughput halved when the
sections arrived. So the whole report is written here, escaped with the standard library's
`html.escape` (what Django's `escape` calls, without the lazy-string wrapper that
`format_html` adds per argument), with the record page's address reversed once per page.
The markup is what the templates wrote; `tests/portal/test_sections.py` holds it to that.
"""

from __future__ import annotations

import datetime as dt
from html import escape as _escape

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The 异议标注 after the first cell of a fact under an open objection (the same words as
# `_disputed_marker.html`, which the other templates include).
DISPUTED_MARKER = SafeString(
    '<span class="disputed-marker" title="该信息存在已受理尚未办结的异议">异议处理中</span>'
)

GRADE_SECTION = "信用评价"

# A list section's heading and what it says when the subject is on no such list.
ENTRY_TEXTS = {
    "red": ("守信激励名单", "未列入守信激励（红名单）"),
    "black": ("失信惩戒名单", "未列入失信惩戒（黑名单）"),
}
# Where an entry's decision number leads on the portal: a black-list entry to its
# self-check (which offers 异议 and 信用修复), a red-list entry to the objection form.
_ENTRY_LINKS = {
    "black": ("lists:entry_repair", "异议与信用修复"),
    "red": ("applications:new_objection", "提出异议"),
}
_TOKEN = "__token__"
_CODE = "__code__"


def e(value) -> str:
    return _escape(str(value), quote=True)


def _date(value: dt.date | None) -> str:
    # What `|date:"Y-m-d"` gives for a date, and "" for none.
    return value.isoformat() if value else ""


@register.simple_tag(takes_context=True)
def report_sections(context, sections, *, more_links=False, public_id="", no_links=False):
    writer = _Writer(
        more_links=more_links,
        public_id=public_id,
        no_links=no_links,
        grade=context.get("portal_grade"),
    )
    return mark_safe("\n".join(writer.section(s) for s in sections))  # noqa: S308 - escaped by `e`


@register.simple_tag
def report_nav(sections) -> SafeString:
    """The section menu: each title, with its number of facts when it has any."""
    return mark_safe(  # noqa: S308 - escaped by `e`
        "".join(
            f'<li><a href="#{e(s.anchor)}">{e(s.title)}{f"（{s.total}）" if s.total else ""}</a></li>'
            for s in sections
        )
    )


@register.simple_tag
def record_cells(row, no_links=False) -> SafeString:
    """A record row's cells (`<td>` each, labelled for the phone layout): the first links to
    the record page unless `no_links`, the others are cut to a list's width."""
    url = None if no_links else reverse("portal:record", args=[row.token])
    return mark_safe(_cells(row, url))  # noqa: S308 - escaped by `e`


def _cells(row, url: str | None) -> str:
    cells = row.cells
    if not cells:
        return ""
    first = cells[0]
    marker = DISPUTED_MARKER if getattr(row, "disputed", False) else ""
    if url is None:
        head = f'<td data-label="{e(first.label)}">{e(first.short)}{marker}</td>'
    else:
        head = (
            f'<td data-label="{e(first.label)}"><a href="{e(url)}">'
            f"{e(first.value or '查看')}</a>{marker}</td>"
        )
    return head + "".join(f'<td data-label="{e(c.label)}">{e(c.short)}</td>' for c in cells[1:])


class _Writer:
    """One page's sections; the record address is reversed once, not per row."""

    def __init__(self, *, more_links: bool, public_id: str, no_links: bool, grade) -> None:
        self.more_links = more_links
        self.public_id = public_id
        self.no_links = no_links
        self.grade = grade
        self._record_url: str | None = None
        self._entry_urls: dict[str, str] = {}

    def record_url(self, token: str) -> str:
        if self._record_url is None:
            self._record_url = reverse("portal:record", args=[_TOKEN])
        return self._record_url.replace(_TOKEN, token)

    def entry_url(self, color: str, code: str, token: str) -> str:
        if color not in self._entry_urls:
            name = _ENTRY_LINKS[color][0]
            args = [_CODE, _TOKEN] if color == "black" else [_TOKEN]
            self._entry_urls[color] = reverse(name, args=args)
        return self._entry_urls[color].replace(_CODE, code).replace(_TOKEN, token)

    def section(self, section) -> str:
        graded = section.title == GRADE_SECTION and self.grade
        anchor = e(section.anchor)
        parts = [
            f'<section class="report-section" aria-labelledby="{anchor}">',
            f'  <h2 id="{anchor}">{e(section.title)}</h2>',
        ]
        if section.basic:
            pairs = "".join(
                f"<div><dt>{e(label)}</dt><dd>{e(value)}</dd></div>"
                for label, value in section.basic
            )
            parts.append(f'  <dl class="facts basic">{pairs}</dl>')
        if section.entry_color:
            parts.append(self.entries(section.entry_color, section.entries))
        for block in section.datasets:
            parts.append(self.dataset(block))
        if graded:
            parts.append(self.grade_line())
        elif section.empty and not section.entry_color:
            parts.append(f'  <p class="empty">暂无{e(section.title)}信息</p>')
        parts.append("</section>")
        return "\n".join(parts)

    def entries(self, color: str, entries: list) -> str:
        heading, empty = ENTRY_TEXTS[color]
        head = f'  <h3 class="list-heading {e(color)}">{heading}</h3>'
        if not entries:
            return f'{head}\n  <p class="empty">{empty}</p>'
        title = _ENTRY_LINKS[color][1]
        rows = []
        for entry in entries:
            number = e(entry.decision_number)
            token = "" if self.no_links else getattr(entry, "token", "")
            if token:
                href = self.entry_url(color, entry.list_code, token)
                number = f'<a href="{e(href)}" rel="nofollow" title="{title}">{number}</a>'
            if getattr(entry, "disputed", False):
                number += DISPUTED_MARKER
            until = _date(entry.period_end) or "履行完毕或依法移出"
            rows.append(
                "    <tr>"
                f'<td data-label="名单"><a href="/lists/{e(entry.list_code)}/">'
                f"{e(entry.list_name)}</a></td>"
                f'<td data-label="决定文书号">{number}</td>'
                f'<td data-label="决定日期">{_date(entry.decision_date)}</td>'
                f'<td data-label="有效期">{_date(entry.period_start)} 至 {until}</td>'
                f'<td data-label="认定机关">{e(entry.authority)}</td>'
                "</tr>"
            )
        body = "\n".join(rows)
        return (
            f'{head}\n<div class="table-scroll">\n<table class="records">\n'
            f'  <caption class="visually-hidden">{heading}</caption>\n'
            '  <thead><tr><th scope="col">名单</th><th scope="col">决定文书号</th>'
            '<th scope="col">决定日期</th><th scope="col">有效期</th>'
            '<th scope="col">认定机关</th></tr></thead>\n'
            f"  <tbody>\n{body}\n  </tbody>\n</table>\n</div>"
        )

    def dataset(self, block) -> str:
        name = e(block.name)
        parts = [f'  <h3 class="dataset-heading">{name}（{block.total}）</h3>']
        rows = block.rows
        if rows:
            columns = "".join(f'<th scope="col">{e(c.label)}</th>' for c in rows[0].cells)
            body = "\n".join(
                f"    <tr>{_cells(r, None if self.no_links else self.record_url(r.token))}</tr>"
                for r in rows
            )
            parts.append(
                '<div class="table-scroll">\n<table class="records">\n'
                f'  <caption class="visually-hidden">{name}</caption>\n'
                f"  <thead><tr>{columns}</tr></thead>\n"
                f"  <tbody>\n{body}\n  </tbody>\n</table>\n</div>"
            )
        else:
            parts.append('<p class="empty">暂无公示信息</p>')
        if block.more > 0:
            shown = f"以上为最近 {len(rows)} 条"
            if self.more_links:
                url = reverse("portal:publicity", args=[block.slug])
                href = e(f"{url}?subject={self.public_id}")
                text = f"{shown}，查看全部 {block.total} 条{name}"
                parts.append(f'  <p class="more-link"><a href="{href}">{text}</a></p>')
            else:
                parts.append(f'  <p class="more-link">{shown}，共 {block.total} 条{name}</p>')
        return "\n".join(parts)

    def grade_line(self) -> str:
        grade = self.grade["grade"]
        return (
            '  <p class="grade" id="public-grade">公共信用综合评价：'
            f"<strong>{e(grade.grade)}</strong>（{e(self.grade['meaning'])}），"
            f"{e(localize(grade.valid_from))} 起生效（评价模型第 {e(grade.model.version)} 版）</p>"
        )
