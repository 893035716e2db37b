"""Portal input the visitor can correct (issue 11): a mistyped USCC, a too short query,
invalid filter dates. Each gets a Chinese message naming the problem; none is searched as
if it were fine, none is a 500."""

from __future__ import annotations

import html

import pytest

from credit.core.identifiers import USCC_ALPHABET, uscc_check_char
from credit.subjects.search import query_problem

from .conftest import COMPANY, COMPANY_USCC

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _wrong_check_char(code: str) -> str:
    return next(c for c in USCC_ALPHABET if c != code[17])


def test_mistyped_uscc_names_the_expected_check_character(client, portal_data):
    wrong = COMPANY_USCC[:17] + _wrong_check_char(COMPANY_USCC)
    page = text(client.get("/search/", {"q": wrong}))
    assert f"“{wrong}”不是有效的统一社会信用代码" in page
    assert f"第 18 位校验码应为“{COMPANY_USCC[17]}”，输入的是“{wrong[17]}”" in page
    assert "找到" not in page and COMPANY not in page


def test_uscc_with_wrong_length_or_characters_is_named(client, portal_data):
    page = text(client.get("/search/", {"q": COMPANY_USCC[:17]}))
    assert "统一社会信用代码应为 18 位，实际为 17 位" in page
    with_o = COMPANY_USCC[:5] + "O" + COMPANY_USCC[6:]  # O is not in the USCC alphabet
    page = text(client.get("/search/", {"q": with_o}))
    assert "不是有效的统一社会信用代码" in page and "第 6 位" in page
    # Lower case and full-width forms of a valid code are still found.
    assert COMPANY in text(client.get("/search/", {"q": COMPANY_USCC.lower()}))


def test_one_character_query_asks_for_two(client, portal_data):
    page = text(client.get("/search/", {"q": "钢"}))
    assert "请输入至少2个字" in page
    assert "找到" not in page
    assert "找到" in text(client.get("/search/", {"q": "钢铁"}))


def test_query_problem_leaves_names_and_valid_codes_alone():
    assert query_problem("本溪钢铁（集团）有限责任公司") == ""
    body = "91210500MA0Y0Y0Y0"
    assert query_problem(body + uscc_check_char(body)) == ""
    assert query_problem("ABC公司") == ""
    assert query_problem("x") == "请输入至少2个字"


@pytest.mark.parametrize(
    "bad",
    [
        {"date_from": "2026-02-30"},
        {"date_to": "not-a-date"},
        {"date_from": "99999-01-01"},
        {"date_from": "2026/13/01", "date_to": "2026-01-01"},
    ],
)
def test_invalid_filter_dates_are_refused_with_a_message(client, portal_data, bad):
    response = client.get("/publicity/penalties/", bad)
    page = text(response)
    name, value = next(iter(bad.items()))
    label = {"date_from": "决定日期自", "date_to": "决定日期至"}[name]
    assert f"{label}“{value}”不是有效的日期" in page
    assert "筛选条件有误，未列出信息" in page
    # Refused, not ignored: the unfiltered list is not shown as if it were the answer.
    assert "本市监罚〔2026〕901号" not in page and "共 2 条" not in page


def test_valid_dates_still_filter(client, portal_data):
    decided = portal_data.public_penalty.decision_date.isoformat()
    page = text(client.get("/publicity/penalties/", {"date_from": decided, "date_to": decided}))
    assert "共 1 条" in page and "筛选条件有误" not in page
