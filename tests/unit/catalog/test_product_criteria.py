"""The searchCriteria → SQL builder (pure): which fields need the database's word, the 400
naming an unknown field where Magento names it, and values bound, never spliced."""

from __future__ import annotations

import pytest

from ficus_catalog.core.product_criteria import BadField, ProductQuery, attribute_candidates
from ficus_legacy.core.searchcriteria import parse_search_criteria

F = "searchCriteria[filter_groups][0][filters][0]"


def test_only_fields_of_no_known_kind_are_asked_of_the_database() -> None:
    parsed = parse_search_criteria(
        [
            (f"{F}[field]", "category_id"),
            (f"{F}[value]", "3"),
            ("searchCriteria[filter_groups][1][filters][0][field]", "material"),
            ("searchCriteria[filter_groups][1][filters][0][value]", "silk"),
            ("searchCriteria[sortOrders][0][field]", "price"),
            ("searchCriteria[sortOrders][1][field]", "fabric"),
        ]
    )
    assert attribute_candidates(parsed) == ["material", "fabric"]


def test_an_unknown_field_is_named_where_magento_names_it() -> None:
    parsed = parse_search_criteria([(f"{F}[field]", "material"), (f"{F}[value]", "x")])
    with pytest.raises(BadField) as raised:
        ProductQuery("%(store)s", [], {"store": 1}).page(parsed)
    assert (raised.value.where, raised.value.name) == (f"{F}[field]", "material")
    sql, _ = ProductQuery("%(store)s", ["material"], {"store": 1}).page(parsed)
    assert "material" not in sql


def test_values_are_bound_folded_as_general_ci_compares_them() -> None:
    parsed = parse_search_criteria(
        [
            (f"{F}[field]", "name"),
            (f"{F}[value]", "Blué'; drop  "),
            ("searchCriteria[pageSize]", "5"),
        ]
    )
    store = "(SELECT store_id FROM catalog_store WHERE code = %(code)s)"
    query = ProductQuery(store, [], {"code": "french"})
    rows, alone = query.page(parsed)
    assert "drop" not in rows and "drop" not in alone
    assert "BLUE'; DROP" in query.params.values()
    assert rows.count(store) == 3 and alone.count(store) == 2  # the id, the view's values/body
    assert rows.endswith("LIMIT %(p6)s OFFSET %(p7)s")
    assert (query.params["p6"], query.params["p7"]) == (5, 0)
