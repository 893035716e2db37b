"""The report's sections as HTML, for the profile pages (portal and console).

The 信用档案 page is the portal's busiest, and most of its eight sections are the same on
every page: a heading and "暂无……信息", or 基本信息's label/value pairs. Through the
template engine those fixed parts cost more CPU than reading the subject's facts did (the
page's throughput halved when the sections arrived), so they are written here with
`format_html`, which escapes as the template would; a section with records or list entries
still goes through `portal/_profile_section.html`.
"""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The 异议标注 after the first cell of a fact under an open objection (the same words as
# `_disputed_marker.html`, which the templates include).
DISPUTED_MARKER = SafeString(
    '<span class="disputed-marker" title="该信息存在已受理尚未办结的异议">异议处理中</span>'
)

GRADE_SECTION = "信用评价"

# A list section's heading and what it says when the subject is on no such list; the same
# words as `_profile_section.html` passes to `_list_entries.html`.
ENTRY_TEXTS = {
    "red": ("守信激励名单", "未列入守信激励（红名单）"),
    "black": ("失信惩戒名单", "未列入失信惩戒（黑名单）"),
}


@register.simple_tag(takes_context=True)
def report_sections(context, sections, *, more_links=False, public_id="", no_links=False):
    parts = []
    detailed = None
    for section in sections:
        # The platform's own grade, when the credit office shows grades to the public.
        graded = section.title == GRADE_SECTION and context.get("portal_grade")
        if not (section.datasets or section.entries or graded):
            parts.append(_plain(section))
            continue
        detailed = detailed or get_template("portal/_profile_section.html")
        with context.push(
            section=section, more_links=more_links, public_id=public_id, no_links=no_links
        ):
            parts.append(detailed.template.render(context))
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped above or by a template


@register.simple_tag
def report_nav(sections) -> SafeString:
    """The section menu: each title, with its number of facts when it has any."""
    return format_html_join(
        "",
        '<li><a href="#{}">{}{}</a></li>',
        ((s.anchor, s.title, f"（{s.total}）" if s.total else "") for s in sections),
    )


@register.simple_tag
def record_cells(row, no_links=False) -> SafeString:
    """A record row's cells (`<td>` each, labelled for the phone layout): the first links to
    the record page unless `no_links`, the others are cut to a list's width."""
    cells = row.cells
    if not cells:
        return SafeString("")
    first = cells[0]
    marker = DISPUTED_MARKER if getattr(row, "disputed", False) else ""
    if no_links:
        head = format_html('<td data-label="{}">{}{}</td>', first.label, first.short, marker)
    else:
        head = format_html(
            '<td data-label="{}"><a href="{}">{}</a>{}</td>',
            first.label,
            reverse("portal:record", args=[row.token]),
            first.value or "查看",
            marker,
        )
    return head + format_html_join(
        "", '<td data-label="{}">{}</td>', ((c.label, c.short) for c in cells[1:])
    )


def _plain(section) -> SafeString:
    if section.entry_color:
        heading, empty = ENTRY_TEXTS[section.entry_color]
        body = format_html(
            '<h3 class="list-heading {}">{}</h3>\n  <p class="empty">{}</p>',
            section.entry_color,
            heading,
            empty,
        )
    elif section.basic:
        body = format_html(
            '<dl class="facts basic">{}</dl>',
            format_html_join("", "<div><dt>{}</dt><dd>{}</dd></div>", section.basic),
        )
    else:
        body = format_html('<p class="empty">暂无{}信息</p>', section.title)
    return format_html(
        '<section class="report-section" aria-labelledby="{}">\n  <h2 id="{}">{}</h2>\n  {}\n</section>',
        section.anchor,
        section.anchor,
        section.title,
        body,
    )
