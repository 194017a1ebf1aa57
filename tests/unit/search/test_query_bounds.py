"""Hostile numbers in a search are a 400 before any comparison or engine sees them:
`price=NaN` used to raise `InvalidOperation` in `make_query` (a 500)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ficus_legacy.core.searchcriteria import SearchCriteriaError, parse_search_criteria
from ficus_search.core.errors import BadQuery
from ficus_search.core.magento import Limits, to_query
from ficus_search.core.query import make_query

LIMITS = Limits(max_query_length=50, max_page_size=100, price_step=50)
F = "searchCriteria[filter_groups][1][filters][0]"


def _magento(price: str, condition: str = "from") -> object:
    pairs = [
        ("searchCriteria[filter_groups][0][filters][0][field]", "search_term"),
        ("searchCriteria[filter_groups][0][filters][0][value]", "shirt"),
        (f"{F}[field]", "price"),
        (f"{F}[value]", price),
        (f"{F}[condition_type]", condition),
    ]
    return to_query(parse_search_criteria(pairs), 1, LIMITS)


@pytest.mark.parametrize("price", ["NaN", "sNaN", "Infinity", "-inf", "1e999999999", "1_0", "x"])
@pytest.mark.parametrize("condition", ["from", "to", "eq"])
def test_a_price_that_is_not_a_bounded_number_is_magentos_400(price: str, condition: str) -> None:
    with pytest.raises(SearchCriteriaError) as caught:
        _magento(price, condition)
    assert caught.value.message == 'Invalid value of "%value" provided for the %fieldName field.'
    assert caught.value.parameters["fieldName"] == f"{F}[value]"


def test_a_bounded_price_is_read() -> None:
    query = _magento("12.5")
    assert query.price_min == Decimal("12.5")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "bounds",
    [
        {"price_min": Decimal("NaN")},
        {"price_max": Decimal("Infinity")},
        {"price_min": Decimal("1e999999999"), "price_max": Decimal(1)},
        {"category_ids": (2**31,)},
        {"category_ids": (-1,)},
    ],
)
def test_native_bounds_are_checked_before_comparing(bounds: dict[str, object]) -> None:
    with pytest.raises(BadQuery):
        make_query(1, text="shirt", max_length=50, max_page_size=100, **bounds)  # type: ignore[arg-type]


def test_a_nul_in_the_text_is_refused() -> None:
    with pytest.raises(BadQuery, match="NUL"):
        make_query(1, text="a\x00b", max_length=50, max_page_size=100)


def test_category_ids_are_ascii_digits_in_range() -> None:
    pairs = [
        ("searchCriteria[filter_groups][0][filters][0][field]", "category_id"),
        ("searchCriteria[filter_groups][0][filters][0][value]", "99999999999"),
    ]
    with pytest.raises(BadQuery):
        to_query(parse_search_criteria(pairs), 1, LIMITS)
