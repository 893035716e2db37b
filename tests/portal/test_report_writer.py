"""The report sections written in Python (portal/templatetags/report_sections.py) for the
profile pages: every value escaped, the record and entry links where the portal shows them
and none in the console, the 异议标注, the "more" line, empty sections saying so, and the
grade when the office shows it. Parsed as HTML, not compared as text."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.template import Context

from credit.facts.dossier import Cell, DatasetBlock, Row, Section
from credit.portal.opaque import entry_token
from credit.portal.profile_page import EntryRow
from credit.portal.templatetags.report_sections import report_nav, report_sections

EVIL = '<script>alert("x")</script>&\''


class Tree(HTMLParser):
    """Texts, links and whether any tag came from data (a <script>)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.texts: list[str] = []
        self.tags: list[str] = []
        self._href = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self._href = dict(attrs)["href"]

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        self.texts.append(data)
        if self._href is not None:
            self.links.append((self._href, data))

    @property
    def text(self) -> str:
        return "".join(self.texts)


def _row(token: str, first: str, disputed=False) -> Row:
    return Row(
        token=token,
        dataset_code="penalty",
        doc_number=first,
        decision_date=dt.date(2026, 3, 1),
        public_until=None,
        authority="本溪市市场监督管理局",
        summary="",
        cells=[Cell("决定文书号", first), Cell("处罚内容", "x" * 80)],
        disputed=disputed,
    )


def _entry(pk: int, color: str, number: str, disputed=False) -> EntryRow:
    return EntryRow(
        "samr_serious_violation" if color == "black" else "tax_a",
        "市场监督管理严重违法失信名单" if color == "black" else "纳税信用A级纳税人",
        color,
        number,
        dt.date(2025, 1, 2),
        dt.date(2025, 1, 3),
        None,
        "本溪市市场监督管理局",
        pk,
        disputed,
    )


@pytest.fixture
def sections():
    block = DatasetBlock(
        "penalty",
        "行政处罚",
        ["决定文书号", "处罚内容"],
        [_row("TOKENAAAAAAAAAAAAAAAAA", EVIL, disputed=True), _row("TOKENBBBBBBBBBBBBBBBBB", "")],
        25,
        SimpleNamespace(alias="penalties"),  # what the writer reads of the attributes
    )
    return [
        Section("基本信息", "section-1", basic=[("主体名称", EVIL)]),
        Section("行政管理", "section-2", datasets=[block]),
        Section(
            "诚实守信",
            "section-3",
            entry_color="red",
            entries=[_entry(7, "red", "红〔2025〕1号")],
        ),
        Section(
            "严重失信主体名单",
            "section-4",
            entry_color="black",
            entries=[_entry(8, "black", EVIL, disputed=True)],
        ),
        Section("经营异常", "section-5"),
        Section("信用评价", "section-6"),
    ]


def test_portal_sections_escape_link_and_mark(sections):
    html = str(report_sections(Context({}), sections, more_links=True, public_id="pub-1&2"))
    tree = Tree(html)
    assert "script" not in tree.tags  # data never becomes markup
    assert tree.text.count(EVIL) == 3  # 基本信息, the record's first cell, the entry number
    links = dict(tree.links)
    assert links["/publicity/records/TOKENAAAAAAAAAAAAAAAAA/"] == EVIL
    assert links["/publicity/records/TOKENBBBBBBBBBBBBBBBBB/"] == "查看"  # empty first cell
    assert links[f"/lists/samr_serious_violation/entries/{entry_token(8)}/repair/"] == EVIL
    assert links[f"/objections/new/{entry_token(7)}/"] == "红〔2025〕1号"
    assert links["/publicity/penalties/?subject=pub-1&2"].startswith(
        "以上为最近 2 条，查看全部 25 条"
    )
    assert tree.text.count("异议处理中") == 2  # the disputed record and the disputed entry
    assert "x" * 59 + "…" in tree.text and "x" * 61 not in tree.text  # cut to a list's width
    assert "2025-01-03 至 履行完毕或依法移出" in tree.text
    assert "暂无经营异常信息" in tree.text and "暂无信用评价信息" in tree.text
    assert "未列入" not in tree.text  # both list sections have entries


def test_console_sections_have_no_links_and_say_how_many_without_one(sections):
    tree = Tree(str(report_sections(Context({}), sections, no_links=True)))
    assert not [href for href, _ in tree.links if "/publicity/" in href or "/objections/" in href]
    assert not [href for href, _ in tree.links if "/entries/" in href]
    assert "以上为最近 2 条，共 25 条行政处罚" in tree.text
    assert tree.text.count("异议处理中") == 2


def test_empty_list_sections_and_the_grade_line(sections):
    sections[2].entries = []
    grade = SimpleNamespace(
        grade="A", valid_from=dt.date(2026, 12, 1), model=SimpleNamespace(version=3)
    )
    html = str(
        report_sections(Context({"portal_grade": {"grade": grade, "meaning": "诚信"}}), sections)
    )
    tree = Tree(html)
    assert "未列入守信激励（红名单）" in tree.text
    line = html.split('id="public-grade">', 1)[1].split("</p>", 1)[0]
    assert "<strong>A</strong>（诚信）" in line and "评价模型第 3 版" in line
    assert "暂无信用评价信息" not in tree.text


def test_nav_counts_each_section(sections):
    tree = Tree(str(report_nav(sections)))
    assert ("#section-2", "行政管理（25）") in tree.links
    assert ("#section-4", "严重失信主体名单（1）") in tree.links
    assert ("#section-5", "经营异常") in tree.links
