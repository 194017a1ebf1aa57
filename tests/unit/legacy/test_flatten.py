"""Flattening hand-made Magento rows into ProductState / CategoryState."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

import pytest

from ficus_legacy.core.flatten import (
    active_store_ids,
    attributes_from_rows,
    canonical,
    category_state,
    product_state,
)


class Attr(NamedTuple):
    code: str
    backend_type: str
    frontend_label: str | None = None


ATTRS = {
    71: Attr("name", "varchar"),
    75: Attr("price", "decimal"),
    97: Attr("status", "int"),
    80: Attr("special_from_date", "datetime"),
    72: Attr("description", "text"),
    93: Attr("color", "int"),
}
CREATED = datetime(2024, 1, 2, 3, 4, 5)


def _values() -> list[dict[str, object]]:
    return [
        {"attribute_id": 71, "store_id": 0, "value": "Chair"},
        {"attribute_id": 71, "store_id": 2, "value": "Chaise 🪑"},
        {"attribute_id": 75, "store_id": 0, "value": Decimal("12.5")},
        {"attribute_id": 97, "store_id": 0, "value": 1},
        {"attribute_id": 97, "store_id": 1, "value": 2},
        {"attribute_id": 80, "store_id": 1, "value": datetime(2024, 5, 6)},
        {"attribute_id": 72, "store_id": 0, "value": None},
        {"attribute_id": 999, "store_id": 0, "value": "from a deleted attribute"},
    ]


@pytest.mark.parametrize(
    ("value", "backend", "text"),
    [
        (Decimal("12.5"), "decimal", "12.500000"),
        ("12.5000", "decimal", "12.500000"),
        (3, "decimal", "3.000000"),
        (9.99, "decimal", "9.990000"),
        ("1", "int", "1"),
        (True, "int", "1"),
        (datetime(2024, 1, 2, 3, 4, 5), "datetime", "2024-01-02 03:04:05"),
        (date(2024, 1, 2), "datetime", "2024-01-02 00:00:00"),
        ("2024-01-02T03:04:05Z", "datetime", "2024-01-02 03:04:05"),
        (1704164645000, "datetime", "2024-01-02 03:04:05"),
        (datetime(2024, 1, 2, 4, 4, 5, tzinfo=UTC), "datetime", "2024-01-02 04:04:05"),
        (b"caf\xc3\xa9", "varchar", "café"),
        (None, "decimal", None),
    ],
)
def test_canonical_text(value: object, backend: str, text: str | None) -> None:
    assert canonical(value, backend) == text


def test_product_state_overlays_store_values_on_defaults() -> None:
    state = product_state(
        {"entity_id": 7, "sku": "c-1", "type_id": "configurable", "attribute_set_id": 4,
         "has_options": 1, "required_options": 0, "created_at": CREATED, "updated_at": CREATED},
        _values(),
        ATTRS,
        [1, 2],
        website_ids=[1, 1],
        category_links=[{"category_id": 5, "position": 2}, {"category_id": 3, "position": 0}],
        stock_item={"item_id": 9, "product_id": 7, "stock_id": 1, "qty": Decimal("5"),
                    "is_in_stock": 1, "manage_stock": 1, "use_config_manage_stock": 1,
                    "min_sale_qty": Decimal("1"), "max_sale_qty": Decimal("10000"),
                    "low_stock_date": None},
        super_links=[{"product_id": 9, "parent_id": 7}, {"product_id": 8, "parent_id": 7}],
        super_attributes=[{"product_super_attribute_id": 14, "attribute_id": 93, "position": 0}],
    )  # fmt: skip
    assert state.attributes[0] == {
        "description": None,
        "name": "Chair",
        "price": "12.500000",
        "status": "1",
    }
    assert state.attributes[1]["status"] == "2"
    assert state.attributes[1]["special_from_date"] == "2024-05-06 00:00:00"
    assert state.attributes[1]["name"] == "Chair"
    assert state.attributes[2]["name"] == "Chaise 🪑"
    assert "special_from_date" not in state.attributes[2]
    assert state.created_at == "2024-01-02 03:04:05"
    assert state.website_ids == [1]
    assert [link.category_id for link in state.category_links] == [3, 5]
    assert state.stock_item is not None and state.stock_item.qty == "5.0000"
    assert state.configurable_children == [8, 9]
    assert state.configurable_attributes == ["color"]
    [option] = state.configurable_options
    assert (option.id, option.attribute_id, option.attribute_code, option.position) == (
        14, 93, "color", 0,
    )  # fmt: skip


def test_postgres_mirror_types_give_the_same_state() -> None:
    entity = {"entity_id": 7, "sku": "c-1", "type_id": "simple", "attribute_set_id": 4,
              "created_at": CREATED, "updated_at": CREATED}  # fmt: skip
    mirror_values = [
        {**row, "value": None if row["value"] is None else str(row["value"])}
        for row in _values()
        if row["attribute_id"] != 80
    ]
    native = [row for row in _values() if row["attribute_id"] != 80]
    mirror_entity = {
        **entity,
        "created_at": "2024-01-02T03:04:05",
        "updated_at": "2024-01-02 03:04:05",
    }
    a = product_state(entity, native, ATTRS, [1, 2])
    b = product_state(mirror_entity, mirror_values, ATTRS, [2, 1])
    assert a == b


def test_category_state() -> None:
    state = category_state(
        {"entity_id": 3, "parent_id": 2, "path": "1/2/3", "position": 1, "level": 2,
         "children_count": 0, "created_at": CREATED, "updated_at": CREATED},
        [{"attribute_id": 71, "store_id": 0, "value": "Shoes"},
         {"attribute_id": 71, "store_id": 1, "value": "Chaussures"}],
        ATTRS,
        [1],
    )  # fmt: skip
    assert state.path == "1/2/3"
    assert state.attributes == {0: {"name": "Shoes"}, 1: {"name": "Chaussures"}}


def test_metadata_helpers_for_mirror_rows() -> None:
    rows = [
        {
            "attribute_id": 71,
            "entity_type_id": 4,
            "attribute_code": "name",
            "backend_type": "varchar",
        },
        {
            "attribute_id": 41,
            "entity_type_id": 3,
            "attribute_code": "name",
            "backend_type": "varchar",
        },
    ]
    infos = attributes_from_rows(rows, 4)
    assert list(infos) == [71] and infos[71].code == "name"
    stores = [{"store_id": 0, "is_active": 1}, {"store_id": 2, "is_active": 1},
              {"store_id": 1, "is_active": 1}, {"store_id": 3, "is_active": 0}]  # fmt: skip
    assert active_store_ids(stores) == [1, 2]
