"""Magento's `?fields=` filter (FieldsFilter.php): grammar, order, empties, custom_attributes."""

from __future__ import annotations

from typing import Any

import pytest

from ficus_legacy.core import fields
from ficus_legacy.core.restpath import route_path, routed_scope

PRODUCT: dict[str, Any] = {
    "id": 1,
    "sku": "a",
    "name": "x",
    "price": 9.5,
    "extension_attributes": {"website_ids": [1], "category_links": []},
    "custom_attributes": [
        {"attribute_code": "color", "value": "5"},
        {"attribute_code": "description", "value": "d"},
        {"attribute_code": "url_key", "value": "a"},
    ],
}


def _filtered(value: Any, text: str) -> Any:
    wanted = fields.requested([("fields", text)])
    assert wanted is not None
    return fields.filter_value(value, wanted)


def test_nested_brackets_keep_named_keys_at_any_depth() -> None:
    spec = fields.parse("items[sku,extension_attributes[website_ids]],total_count")
    assert spec == {
        "items": {"sku": None, "extension_attributes": {"website_ids": None}},
        "total_count": None,
    }
    page = {"items": [PRODUCT], "search_criteria": {}, "total_count": 1}
    assert fields.apply(page, spec) == {
        "items": [{"sku": "a", "extension_attributes": {"website_ids": [1]}}],
        "total_count": 1,
    }


def test_keys_keep_the_answers_order_not_the_filters() -> None:
    assert list(_filtered(PRODUCT, "price,sku,id")) == ["id", "sku", "price"]


@pytest.mark.parametrize("text", ["a, b", "sku[", "a[b[c]", "na-me", "prix€", "a.b"])
def test_an_invalid_filter_answers_an_empty_array(text: str) -> None:
    assert fields.parse(text) is None
    assert _filtered(PRODUCT, text) == []


def test_unknown_names_are_dropped_and_an_empty_result_is_an_empty_array() -> None:
    assert _filtered(PRODUCT, "sku,nope") == {"sku": "a"}
    assert _filtered(PRODUCT, "nope") == []
    assert _filtered(PRODUCT, "sku,extension_attributes[nope]") == {
        "sku": "a",
        "extension_attributes": [],
    }


def test_a_filtered_empty_list_is_null_as_in_php() -> None:
    assert _filtered({"items": [], "total_count": 0}, "items[sku],total_count") == {
        "items": None,
        "total_count": 0,
    }
    assert _filtered([], "id") is None


def test_a_subfilter_on_a_scalar_keeps_the_scalar_and_a_leaf_keeps_the_whole_value() -> None:
    assert _filtered(PRODUCT, "sku[x],extension_attributes") == {
        "sku": "a",
        "extension_attributes": PRODUCT["extension_attributes"],
    }


def test_scalar_answers_pass_and_php_falsy_parameters_do_not_filter() -> None:
    assert _filtered(True, "sku") is True
    assert fields.requested([("fields", "")]) is None
    assert fields.requested([("fields", "0")]) is None
    assert fields.requested([("searchCriteria", "")]) is None
    assert fields.requested([("fields", "a"), ("fields", "b")]) == fields.FieldsFilter({"b": None})
    assert fields.requested([("fields[]", "sku")]) == fields.FieldsFilter(None)


def test_custom_attributes_by_code_keep_their_index() -> None:
    assert _filtered(PRODUCT, "custom_attributes[color,description]") == {
        "custom_attributes": [
            {"attribute_code": "color", "value": "5"},
            {"attribute_code": "description", "value": "d"},
        ]
    }
    assert _filtered(PRODUCT, "custom_attributes[url_key]") == {
        "custom_attributes": {"2": {"attribute_code": "url_key", "value": "a"}}
    }
    assert _filtered(PRODUCT, "custom_attributes[attribute_code]") == {
        "custom_attributes": [
            {"attribute_code": c["attribute_code"]} for c in PRODUCT["custom_attributes"]
        ]
    }


def test_phps_parser_quirks() -> None:
    assert fields.parse("a,[b]") == {"a": {"b": None}}  # `[` takes the last name read
    assert fields.parse("[b]") == {"": {"b": None}}
    assert fields.parse("a]") == {"": {"a": None}}
    assert fields.parse("a[b],a") == {"a": None}


def test_a_subfilter_over_a_list_of_scalars_is_magentos_type_error() -> None:
    with pytest.raises(fields.FieldsFilterError):
        _filtered(PRODUCT, "extension_attributes[website_ids[x]]")


def test_trailing_slashes_are_not_part_of_a_rest_route() -> None:
    assert route_path("/rest/all/V1/products/") == "/rest/all/V1/products"
    assert route_path("/rest/V1/products/SKU-1//") == "/rest/V1/products/SKU-1"
    assert route_path("/rest/V1/products") == "/rest/V1/products"
    assert route_path("/healthz/") == "/healthz/"
    scope = {"type": "http", "path": "/rest/V1/products/", "raw_path": b"/rest/V1/products/"}
    assert routed_scope(scope) == {
        **scope,
        "path": "/rest/V1/products",
        "raw_path": b"/rest/V1/products",
    }
    assert routed_scope(same := {"path": "/rest/V1/x"}) is same
    encoded = {"path": "/rest/V1/products/a b/", "raw_path": b"/rest/V1/products/a%20b/"}
    assert routed_scope(encoded)["raw_path"] == b"/rest/V1/products/a%20b"
