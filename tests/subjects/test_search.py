"""Name normalisation, USCC lookup, person exclusion and ranking of the subject search."""

from __future__ import annotations

import itertools

import pytest
from django.test import override_settings

from credit.core.normalize import name_key
from credit.subjects import queries, search
from credit.subjects.models import Subject
from tests.collection.samples import company_uscc

pytestmark = pytest.mark.django_db


_serial = itertools.count(1)


def make(name, kind="organization", uscc=None, region="210502"):
    return Subject.objects.create(
        public_id=f"test{next(_serial):012d}",
        kind=kind,
        name=name,
        name_norm=name_key(name),
        uscc=uscc,
        region_code=region,
    )


@pytest.fixture
def registry():
    return {
        "steel": make("本溪市（明山）钢铁贸易有限公司", uscc=company_uscc(1), region="210504"),
        "steel2": make("本溪钢铁贸易", uscc=company_uscc(2)),
        "food": make("桓仁县 满族 食品 有限责任公司", uscc=company_uscc(3), region="210522"),
        "shop": make("平山区小明便利店", kind="sole_trader", uscc=company_uscc(4)),
        "person": make("王钢铁", kind="person"),
    }


def names(result):
    return [h.name for h in result.hits]


def test_clean_query_unifies_width_brackets_and_spaces():
    assert search.clean_query(" 本溪市(明山)钢铁 ") == "本溪市(明山)钢铁"
    assert search.clean_query("本溪市【明山】钢铁") == "本溪市(明山)钢铁"
    assert search.clean_query("本溪市（明山）钢　铁") == "本溪市(明山)钢铁"
    assert search.clean_query("ＡＢＣ食品") == "ABC食品"


@pytest.mark.parametrize(
    "query",
    ["明山）钢铁", "(明山)钢铁", "【明山】钢铁贸易", "明 山 ） 钢 铁", "（明山）钢铁贸易有限公司"],
)
def test_name_search_is_tolerant_of_brackets_width_and_spaces(registry, query):
    assert names(search.search_subjects(query)) == ["本溪市（明山）钢铁贸易有限公司"]


def test_spaces_in_stored_names_do_not_matter(registry):
    assert names(search.search_subjects("满族食品")) == ["桓仁县 满族 食品 有限责任公司"]


def test_short_queries_use_their_own_path(registry):
    assert set(names(search.search_subjects("钢铁"))) == {
        "本溪市（明山）钢铁贸易有限公司",
        "本溪钢铁贸易",
    }
    assert names(search.search_subjects("店")) == ["平山区小明便利店"]


def test_ranking_exact_then_prefix_then_others(registry):
    make("钢铁贸易")
    make("钢铁贸易本溪分公司")
    assert names(search.search_subjects("钢铁贸易")) == [
        "钢铁贸易",
        "钢铁贸易本溪分公司",
        "本溪钢铁贸易",
        "本溪市（明山）钢铁贸易有限公司",
    ]


def test_results_carry_kind_region_uscc(registry):
    hit = search.search_subjects("便利店").hits[0]
    assert (hit.kind_name, hit.region, hit.uscc) == ("个体工商户", "平山区", company_uscc(4))
    assert search.search_subjects("满族食品").hits[0].region == "桓仁满族自治县"


def test_exact_uscc_goes_to_the_unique_index(registry):
    result = search.search_subjects(company_uscc(3).lower())
    assert result.by_uscc and names(result) == ["桓仁县 满族 食品 有限责任公司"]
    # A valid-looking code nobody holds finds nothing (no name search on the digits).
    assert search.search_subjects(company_uscc(99)).total == 0


def test_persons_are_not_found_by_name(registry):
    assert "王钢铁" not in names(search.search_subjects("钢铁"))
    assert search.search_subjects("王钢铁").total == 0


def test_persons_searchable_when_configured(registry):
    with override_settings(CREDIT_SEARCH_PERSONS_BY_NAME=True):
        assert "王钢铁" in names(search.search_subjects("王钢铁"))


def test_pagination(registry):
    for i in range(30):
        make(f"本溪测试分页商贸有限公司{i:02d}")
    first = search.search_subjects("测试分页商贸", 1)
    second = search.search_subjects("测试分页商贸", 2)
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (30, 2, 25, 5)
    assert not set(names(first)) & set(names(second))
    beyond = search.search_subjects("测试分页商贸", 9)
    assert beyond.hits == [] and beyond.total == 30


def test_like_wildcards_in_the_query_are_literal(registry):
    assert search.search_subjects("%").total == 0
    assert search.search_subjects("钢_贸").total == 0


@pytest.mark.parametrize("query", ["(明山)\x00钢铁", "\x00", "明山)\x01钢\x7f铁贸易"])
def test_control_characters_in_the_query_are_dropped_not_a_server_error(registry, query):
    # A NUL made SQLite's FTS phrase "unterminated" and PostgreSQL refuse the parameter.
    expected = [] if query == "\x00" else ["本溪市（明山）钢铁贸易有限公司"]
    assert names(search.search_subjects(query)) == expected


def test_fts_index_follows_renames(registry):
    steel = registry["steel"]
    Subject.objects.filter(pk=steel.pk).update(name="本溪新名称实业", name_norm="本溪新名称实业")
    assert names(search.search_subjects("新名称实业")) == ["本溪新名称实业"]
    assert search.search_subjects("明山)钢铁").total == 0


def test_candidates_include_legal_form_variants(registry):
    found = queries.candidates("桓仁县满族食品有限公司")
    assert found and found[0].name == "桓仁县 满族 食品 有限责任公司"
    assert queries.candidates("桓仁县满族食品有限公司", region="210502") == []
    assert all(s.kind != "person" for s in queries.candidates("王钢铁"))


def test_match_key_unifies_legal_forms():
    assert queries.match_key("甲有限责任公司") == queries.match_key("甲 有限公司")
    assert queries.match_key("乙股份有限公司") == "乙股份有限公司"


def test_a_misspelt_full_name_is_found_by_similarity_on_postgresql(registry):
    from django.db import connection

    result = search.search_subjects("本溪市(明山)钢铁贸易有线公司")  # 线 for 限
    if connection.vendor == "postgresql":
        assert names(result)[0] == "本溪市（明山）钢铁贸易有限公司"
    else:  # FTS5 substring only: no similarity operator on SQLite
        assert result.total == 0


def test_probes_are_the_distinctive_ends_of_a_name():
    from credit.subjects.queries import probes

    assert probes("本溪东风餐饮管理公司") == ["东风餐饮"]
    assert probes("平山关门山酒店管理有线公司") == ["平山关门", "关门山酒"]
    assert probes("辽宁省本溪市华强精密机械制造有限公司") == ["华强精密", "机械制造"]
    # Nothing distinctive left: no probe that would match half the register.
    assert probes("本溪市有限公司") == [] and probes("管理服务中心") == []
