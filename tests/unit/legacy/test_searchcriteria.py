from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from ficus_legacy.core.searchcriteria import (
    ConditionType,
    SearchCriteriaError,
    parse_search_criteria,
)


def parse(query: str, required: bool = True):  # type: ignore[no-untyped-def]
    return parse_search_criteria(parse_qsl(query, keep_blank_values=True), required=required)


def test_snake_case_groups_filters_sorts_and_paging() -> None:
    sc = parse(
        "searchCriteria[filter_groups][0][filters][0][field]=sku"
        "&searchCriteria[filter_groups][0][filters][0][value]=A%25"
        "&searchCriteria[filter_groups][0][filters][0][condition_type]=like"
        "&searchCriteria[filter_groups][0][filters][1][field]=name"
        "&searchCriteria[filter_groups][0][filters][1][value]=x"
        "&searchCriteria[filter_groups][1][filters][0][field]=price"
        "&searchCriteria[filter_groups][1][filters][0][value]=10"
        "&searchCriteria[filter_groups][1][filters][0][condition_type]=gt"
        "&searchCriteria[sort_orders][0][field]=price"
        "&searchCriteria[sort_orders][0][direction]=asc"
        "&searchCriteria[page_size]=5&searchCriteria[current_page]=2"
    )
    assert [len(g.filters) for g in sc.filter_groups] == [2, 1]
    first = sc.filter_groups[0].filters[0]
    assert (first.field, first.value, first.condition) == ("sku", "A%", ConditionType.LIKE)
    assert sc.filter_groups[0].filters[1].condition is ConditionType.EQ
    assert sc.sort_orders[0].direction == "ASC"
    assert (sc.limit, sc.page, sc.offset) == (5, 2, 5)
    assert sc.fields() == {"sku", "name", "price"}


def test_camel_case_keys_are_the_same_criteria() -> None:
    snake = parse(
        "searchCriteria[filter_groups][0][filters][0][field]=sku"
        "&searchCriteria[filter_groups][0][filters][0][value]=a,b"
        "&searchCriteria[filter_groups][0][filters][0][condition_type]=in"
        "&searchCriteria[sort_orders][0][field]=sku&searchCriteria[page_size]=3"
    )
    camel = parse(
        "searchCriteria[filterGroups][0][filters][0][field]=sku"
        "&searchCriteria[filterGroups][0][filters][0][value]=a,b"
        "&searchCriteria[filterGroups][0][filters][0][conditionType]=in"
        "&searchCriteria[sortOrders][0][field]=sku&searchCriteria[pageSize]=3"
    )
    assert snake == camel
    assert camel.filter_groups[0].filters[0].values() == ["a", "b"]


def test_filters_are_ordered_by_numeric_index() -> None:
    sc = parse(
        "searchCriteria[filter_groups][0][filters][10][field]=b"
        "&searchCriteria[filter_groups][0][filters][10][value]=2"
        "&searchCriteria[filter_groups][0][filters][2][field]=a"
        "&searchCriteria[filter_groups][0][filters][2][value]=1"
    )
    assert [f.field for f in sc.filter_groups[0].filters] == ["a", "b"]


def test_echo_is_magentos_search_criteria_block() -> None:
    sc = parse(
        "searchCriteria[filter_groups][0][filters][0][field]=sku"
        "&searchCriteria[filter_groups][0][filters][0][value]=x"
        "&searchCriteria[sort_orders][0][field]=sku&searchCriteria[sort_orders][0][direction]=DESC"
        "&searchCriteria[pageSize]=10&searchCriteria[currentPage]=1"
    )
    assert sc.echo() == {
        "filter_groups": [{"filters": [{"field": "sku", "value": "x"}]}],
        "sort_orders": [{"field": "sku", "direction": "DESC"}],
        "page_size": 10,
        "current_page": 1,
    }
    assert parse("searchCriteria=").echo() == {"filter_groups": []}


def test_null_conditions_need_no_value() -> None:
    sc = parse(
        "searchCriteria[filter_groups][0][filters][0][field]=weight"
        "&searchCriteria[filter_groups][0][filters][0][condition_type]=null"
    )
    assert sc.filter_groups[0].filters[0].value is None


def test_missing_sort_direction_means_desc_as_in_magento() -> None:
    sc = parse("searchCriteria[sort_orders][0][field]=sku")
    assert sc.sort_orders[0].direction == "DESC"
    assert sc.echo()["sort_orders"] == [{"field": "sku"}]


def test_missing_search_criteria_is_required() -> None:
    with pytest.raises(SearchCriteriaError) as err:
        parse("fields=items")
    assert err.value.message == '"%fieldName" is required. Enter and try again.'
    assert err.value.parameters == {"fieldName": "searchCriteria"}
    assert parse("fields=items", required=False).filter_groups == ()


@pytest.mark.parametrize(
    ("query", "field_name"),
    [
        (
            "searchCriteria[filter_groups][0][filters][0][field]=sku"
            "&searchCriteria[filter_groups][0][filters][0][value]=x"
            "&searchCriteria[filter_groups][0][filters][0][condition_type]=between",
            "searchCriteria[filter_groups][0][filters][0][condition_type]",
        ),
        ("searchCriteria[pageSize]=ten", "searchCriteria[page_size]"),
        ("searchCriteria[currentPage]=-1", "searchCriteria[current_page]"),
        (
            "searchCriteria[sort_orders][0][field]=sku&searchCriteria[sort_orders][0][direction]=up",
            "searchCriteria[sort_orders][0][direction]",
        ),
        (
            "searchCriteria[filter_groups][x][filters][0][field]=sku",
            "searchCriteria[filter_groups]",
        ),
        (
            "searchCriteria[filter_groups][0][filters][0][value]=1",
            "searchCriteria[filter_groups][0][filters][0][field]",
        ),
        (
            "searchCriteria[filter_groups][0][filters][0][field]=sku",
            "searchCriteria[filter_groups][0][filters][0][value]",
        ),
    ],
)
def test_bad_parameters_name_the_field(query: str, field_name: str) -> None:
    with pytest.raises(SearchCriteriaError) as err:
        parse(query)
    assert err.value.parameters["fieldName"] == field_name
