"""Every searchCriteria value is bounded before conversion: each hostile value is Magento's
400 body at once, never a long computation or a foreign exception."""

from __future__ import annotations

import time
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

import pytest

from ficus_legacy.core.criteriabounds import (
    MAX_ITEMS,
    MAX_PAGE,
    MAX_VALUE_LENGTH,
    number,
    number_prefix,
)
from ficus_legacy.core.searchcriteria import SearchCriteriaError, parse_search_criteria

F = "searchCriteria[filter_groups][0][filters][0]"


def parse(query: str):  # type: ignore[no-untyped-def]
    return parse_search_criteria(parse_qsl(query, keep_blank_values=True))


def refused(query: str) -> SearchCriteriaError:
    started = time.perf_counter()
    with pytest.raises(SearchCriteriaError) as caught:
        parse(query)
    assert time.perf_counter() - started < 0.05
    return caught.value


def with_value(value: str) -> str:
    return urlencode({f"{F}[field]": "entity_id", f"{F}[value]": value})


@pytest.mark.parametrize(
    "value",
    ["1e999999999", "-1e301", "1e-999999999", "9" * 65, "0." + "0" * 400 + "1", "1e1234567"],
)
def test_a_number_out_of_bounds_is_the_invalid_value_400(value: str) -> None:
    error = refused(with_value(value))
    assert error.message == 'Invalid value of "%value" provided for the %fieldName field.'
    assert error.parameters["fieldName"] == f"{F}[value]"
    assert len(str(error.parameters["value"])) <= 65


def test_each_member_of_an_in_list_is_bounded() -> None:
    refused(with_value("1,2,3e999999"))


@pytest.mark.parametrize("value", ["1e300", "-1e-300", "9" * 64, "12abc", "NaN", "Infinity", "x"])
def test_bounded_numbers_and_text_pass(value: str) -> None:
    assert parse(with_value(value)).filter_groups[0].filters[0].value == value


def test_a_value_too_long_or_with_nul_is_invalid() -> None:
    refused(with_value("a" * (MAX_VALUE_LENGTH + 1)))
    refused(with_value("a\x00b"))
    refused(urlencode({f"{F}[field]": "x" * (MAX_VALUE_LENGTH + 1), f"{F}[value]": "1"}))


@pytest.mark.parametrize("index", ["9" * 5000, "²", "١", "-1", "1234567890"])
def test_an_index_is_at_most_nine_ascii_digits(index: str) -> None:
    query = urlencode({f"searchCriteria[filter_groups][{index}][filters][0][field]": "sku"})
    error = refused(query + "&" + with_value("1"))
    assert error.parameters["fieldName"] == "searchCriteria[filter_groups]"


def test_more_items_than_magento_allows_is_its_array_limit_message() -> None:
    pairs = {
        f"searchCriteria[filter_groups][0][filters][{i}][{k}]": v
        for i in range(MAX_ITEMS + 1)
        for k, v in (("field", "sku"), ("value", "x"))
    }
    error = refused(urlencode(pairs))
    assert error.message == 'Maximum items of type "%type" is %max'
    assert error.parameters == {"type": "Magento\\Framework\\Api\\Filter", "max": MAX_ITEMS}
    sorts = {f"searchCriteria[sortOrders][{i}][field]": "sku" for i in range(MAX_ITEMS + 1)}
    refused(urlencode(sorts))
    groups = {
        f"searchCriteria[filter_groups][{g}][filters][0][{k}]": v
        for g in range(MAX_ITEMS + 1)
        for k, v in (("field", "sku"), ("value", "x"))
    }
    refused(urlencode(groups))


def test_page_numbers_are_ints_in_range() -> None:
    assert parse(f"searchCriteria[pageSize]={MAX_PAGE}&searchCriteria[currentPage]=2").page == 2
    size = refused(f"searchCriteria[pageSize]={MAX_PAGE + 1}")
    assert (size.message, size.parameters) == (
        "Maximum SearchCriteria pageSize is %max",
        {"max": MAX_PAGE},
    )
    page = refused(f"searchCriteria[currentPage]={MAX_PAGE + 1}")
    assert page.parameters["fieldName"] == "searchCriteria[current_page]"
    for raw in ("9" * 5000, "1e3", "NaN", "١"):
        typed = refused(urlencode({"searchCriteria[pageSize]": raw}))
        assert typed.parameters["type"] == "int"
    refused("searchCriteria[pageSize]=-1")
    refused("searchCriteria[pageSize][0]=1")


def test_a_nested_value_is_invalid_not_a_crash() -> None:
    refused(urlencode({f"{F}[field]": "sku", f"{F}[value][x]": "1"}))
    refused(urlencode({f"{F}[field]": "sku", f"{F}[value]": "1", f"{F}[condition_type][a]": "eq"}))
    refused(
        urlencode(
            {
                "searchCriteria[sortOrders][0][field]": "sku",
                "searchCriteria[sortOrders][0][direction][x]": "1",
            }
        )
    )


def test_number_prefix_reads_as_mariadb_within_bounds() -> None:
    assert number_prefix(" 12abc", "f") == Decimal(12)
    assert number_prefix("-.5e2x", "f") == Decimal("-50")
    assert number_prefix("abc", "f") is None
    assert number_prefix("0e999999", "f") == 0
    with pytest.raises(SearchCriteriaError):
        number_prefix("1e999999999", "f")


@pytest.mark.parametrize(
    "text", ["NaN", "nan", "Infinity", "-inf", "sNaN", "1_000", "١٢", "", "1e999"]
)
def test_number_accepts_only_a_finite_bounded_decimal(text: str) -> None:
    with pytest.raises(SearchCriteriaError) as caught:
        number(text, "searchCriteria[x]")
    assert caught.value.parameters["fieldName"] == "searchCriteria[x]"


def test_number_reads_plain_decimals() -> None:
    assert number(" 12.50 ", "f") == Decimal("12.50")
    assert number("1e2", "f") == Decimal(100)
