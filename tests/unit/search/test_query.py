"""Query validation, Magento searchCriteria mapping and the engines' query shapes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ficus_contracts.gap import GapGuard
from ficus_legacy.core.searchcriteria import parse_search_criteria
from ficus_search.core.errors import BadQuery, UnknownField
from ficus_search.core.magento import Limits, to_query
from ficus_search.core.pgsql import like_prefix, tsquery, where
from ficus_search.core.query import Sort, make_query
from ficus_search.esengine import es_body

LIMITS = Limits(max_query_length=50, max_page_size=100, price_step=50)


def _q(text: str | None, **kwargs: object) -> object:
    return make_query(1, text=text, max_length=50, max_page_size=100, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 51, "too long"),
        ("!!!", "no word"),
        (" ".join(["a"] * 17), "too many words"),
    ],
)
def test_bad_texts_are_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(BadQuery, match=message):
        _q(text)


def test_paging_sort_and_price_are_validated() -> None:
    with pytest.raises(BadQuery, match="page size"):
        _q("a", page_size=101)
    with pytest.raises(BadQuery, match='"cheap"'):
        _q("a", sort="cheap")
    with pytest.raises(BadQuery, match="price_min"):
        _q(None, price_min=Decimal(5), price_max=Decimal(1))


def test_text_query_uses_search_visibility_and_listing_catalog_visibility() -> None:
    assert _q("shirt").visibility == (3, 4)  # type: ignore[attr-defined]
    assert _q(None).visibility == (2, 4)  # type: ignore[attr-defined]
    assert _q(None).effective_sort is Sort.ID  # type: ignore[attr-defined]


def _criteria(*pairs: tuple[str, str]) -> object:
    return parse_search_criteria(list(pairs))


F = "searchCriteria[filterGroups][{g}][filters][0][{k}]"


def test_magento_criteria_become_a_query() -> None:
    criteria = parse_search_criteria(
        [
            (F.format(g=0, k="field"), "search_term"),
            (F.format(g=0, k="value"), "blue jacket"),
            (F.format(g=1, k="field"), "category_ids"),
            (F.format(g=1, k="value"), "3,4"),
            (F.format(g=1, k="conditionType"), "in"),
            (F.format(g=2, k="field"), "price"),
            (F.format(g=2, k="value"), "10"),
            (F.format(g=2, k="conditionType"), "gteq"),
            ("searchCriteria[sortOrders][0][field]", "price"),
            ("searchCriteria[sortOrders][0][direction]", "DESC"),
            ("searchCriteria[pageSize]", "5"),
            ("searchCriteria[currentPage]", "2"),
        ]
    )
    query = to_query(criteria, 1, LIMITS)
    assert query.text == "blue jacket"
    assert query.category_ids == (3, 4)
    assert query.price_min == Decimal(10) and query.price_max is None
    assert query.sort is Sort.PRICE_DESC
    assert (query.page, query.page_size, query.offset) == (2, 5, 5)


def test_unknown_filter_field_is_named() -> None:
    criteria = parse_search_criteria(
        [(F.format(g=0, k="field"), "colour"), (F.format(g=0, k="value"), "red")]
    )
    with pytest.raises(UnknownField, match='"colour"'):
        to_query(criteria, 1, LIMITS)


def test_postgres_query_parts() -> None:
    assert tsquery(["blue", "jack"]) == "'blue' & 'jack':*"
    assert like_prefix("A_b%") == "a\\_b\\%%"
    clause, params = where(_q("blue jack", category_ids=(3,), in_stock=True))  # type: ignore[arg-type]
    assert "category_ids &&" in clause and "in_stock" in clause
    assert params["tsq"] == "'blue' & 'jack':*"


def test_elasticsearch_body_filters_and_facets() -> None:
    body = es_body(_q("Blue Jack", price_max=Decimal(99), sort="price_asc"))  # type: ignore[arg-type]
    filters = body["query"]["bool"]["filter"]
    assert {"range": {"final_price": {"lte": 99.0}}} in filters
    match = body["query"]["bool"]["must"][0]["bool"]["should"][0]["match_bool_prefix"]
    assert match["search_text"] == {"query": "blue jack", "operator": "and"}
    assert body["sort"][0] == {"final_price": {"order": "asc", "missing": "_last"}}
    assert body["aggs"]["prices"]["histogram"]["interval"] == 50


def test_gap_guard_holds_events_behind_a_hole_until_grace() -> None:
    now = [0.0]
    guard = GapGuard(0.5, clock=lambda: now[0])
    rows = [{"seq": 1}, {"seq": 3}]
    assert guard.admit(0, rows) == [{"seq": 1}]
    now[0] = 0.6
    assert guard.admit(0, rows) == rows
