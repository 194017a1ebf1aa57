from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from ficus_legacy.core.searchcriteria import parse_search_criteria
from ficus_legacy.core.webapi_errors import InputError
from ficus_standin import sqlsearch

resolve = sqlsearch.column_resolver("t", frozenset({"sku", "price", "tags"}))


def criteria(query: str):  # type: ignore[no-untyped-def]
    return parse_search_criteria(parse_qsl(query, keep_blank_values=True))


def f(i: int, g: int, field: str, value: str, condition: str) -> str:
    p = f"searchCriteria[filter_groups][{g}][filters][{i}]"
    return f"{p}[field]={field}&{p}[value]={value}&{p}[condition_type]={condition}&"


def test_groups_are_anded_and_filters_ored() -> None:
    where, params = sqlsearch.where_clause(
        criteria(
            f(0, 0, "sku", "a", "eq") + f(1, 0, "sku", "b%", "like") + f(0, 1, "price", "3", "gteq")
        ),
        resolve,
    )
    assert where == "(t.`sku` = %s OR t.`sku` LIKE %s) AND (t.`price` >= %s)"
    assert params == ["a", "b%", "3"]


@pytest.mark.parametrize(
    ("condition", "sql", "params"),
    [
        ("in", "t.`sku` IN (%s, %s)", ["a", "b"]),
        ("nin", "t.`sku` NOT IN (%s, %s)", ["a", "b"]),
        ("null", "t.`sku` IS NULL", []),
        ("notnull", "t.`sku` IS NOT NULL", []),
        ("finset", "FIND_IN_SET(%s, t.`sku`)", ["a,b"]),
        ("nfinset", "NOT FIND_IN_SET(%s, t.`sku`)", ["a,b"]),
        ("moreq", "t.`sku` >= %s", ["a,b"]),
        ("to", "t.`sku` <= %s", ["a,b"]),
    ],
)
def test_condition_sql(condition: str, sql: str, params: list[str]) -> None:
    where, values = sqlsearch.where_clause(criteria(f(0, 0, "sku", "a,b", condition)), resolve)
    assert (where, values) == (f"({sql})", params)


def test_unknown_field_is_an_input_error_naming_it() -> None:
    with pytest.raises(InputError) as err:
        sqlsearch.where_clause(criteria(f(0, 0, "nope", "1", "eq")), resolve)
    assert err.value.parameters == {
        "fieldName": "searchCriteria[filter_groups][0][filters][0][field]",
        "value": "nope",
    }


def test_order_and_limit() -> None:
    sc = criteria(
        "searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=asc"
        "&searchCriteria[pageSize]=10&searchCriteria[currentPage]=3"
    )
    assert sqlsearch.order_clause(sc, resolve, "t.id ASC") == "t.`price` ASC, t.id ASC"
    assert sqlsearch.limit_clause(sc) == " LIMIT 10 OFFSET 20"
    assert sqlsearch.limit_clause(criteria("searchCriteria=")) == ""
