from __future__ import annotations

import json

from ficus_contracts.events import CategoryLink, ProductState, StockItem
from ficus_legacy.core.magento_json import render_product


def state(**overrides: object) -> ProductState:
    values: dict[str, object] = {
        "entity_id": 7,
        "sku": "MB-01",
        "type_id": "simple",
        "attribute_set_id": 4,
        "created_at": "2024-01-02 03:04:05",
        "updated_at": "2024-01-03 03:04:05",
        "website_ids": [2, 1],
        "category_links": [CategoryLink(category_id=5, position=2), CategoryLink(category_id=3)],
        "stock_item": StockItem(item_id=9, qty="12.0000", is_in_stock=True),
        "attributes": {
            0: {
                "name": "Bag",
                "price": "34.500000",
                "status": "1",
                "visibility": "4",
                "weight": "1.2000",
                "url_key": "bag",
                "description": None,
                "special_price": "30.000000",
            },
            1: {"name": "Sac 🎒", "url_key": "sac"},
        },
    }
    values.update(overrides)
    return ProductState.model_validate(values)


def custom(body: dict[str, object]) -> dict[str, object]:
    return {c["attribute_code"]: c["value"] for c in body["custom_attributes"]}  # type: ignore[attr-defined,index]


def test_top_level_fields_are_typed() -> None:
    body = render_product(state(), 0)
    assert body["id"] == 7 and body["sku"] == "MB-01" and body["name"] == "Bag"
    assert body["price"] == 34.5 and isinstance(body["price"], float)
    assert (body["status"], body["visibility"], body["weight"]) == (1, 4, 1.2)
    assert list(body)[:4] == ["id", "sku", "name", "attribute_set_id"]


def test_store_view_values_override_defaults() -> None:
    body = render_product(state(), 1)
    assert body["name"] == "Sac 🎒"
    assert custom(body)["url_key"] == "sac"
    assert custom(render_product(state(), 0))["url_key"] == "bag"
    assert render_product(state(), 2)["name"] == "Bag"  # no own values: defaults


def test_custom_attributes_are_strings_sorted_without_nulls() -> None:
    attrs = custom(render_product(state(), 0))
    assert attrs["special_price"] == "30.000000"
    assert attrs["category_ids"] == ["5", "3"]
    assert attrs["has_options"] == "0"
    assert "description" not in attrs and "name" not in attrs and "price" not in attrs
    codes = [c["attribute_code"] for c in render_product(state(), 0)["custom_attributes"]]  # type: ignore[union-attr,index]
    assert codes == sorted(codes)


def test_extension_attributes() -> None:
    ext = render_product(state(), 0)["extension_attributes"]
    assert ext["website_ids"] == [1, 2]  # type: ignore[index]
    assert ext["category_links"] == [  # type: ignore[index]
        {"position": 0, "category_id": "3"},
        {"position": 2, "category_id": "5"},
    ]
    assert ext["stock_item"]["qty"] == 12.0 and ext["stock_item"]["product_id"] == 7  # type: ignore[index]
    assert "configurable_product_links" not in ext  # type: ignore[operator]
    conf = render_product(state(type_id="configurable", configurable_children=[12, 11]), 0)
    assert conf["extension_attributes"]["configurable_product_links"] == [11, 12]  # type: ignore[index]


def test_nulls_are_left_out_and_output_is_stable() -> None:
    bare = state(attributes={0: {"name": "x", "price": None}}, stock_item=None)
    body = render_product(bare, 0)
    assert "price" not in body and "weight" not in body
    assert "stock_item" not in body["extension_attributes"]  # type: ignore[operator]
    assert json.dumps(render_product(state(), 1)) == json.dumps(render_product(state(), 1))
