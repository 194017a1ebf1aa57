"""What sync captures and which aggregate each captured row belongs to (pure).

`touched(table, row)` names the aggregates a row change can alter; `ALL` means every aggregate
of every kind (store views, websites or attribute metadata changed). Aggregates: `product` and
`category` keyed by entity_id, `store` (a store view with its group and website) keyed by
store_id. A `store`, `store_group` or `store_website` row touches ALL: the store views it
names, and every product and category (their per-store attributes cover the active views).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

from ficus_sync.core.envelope import Value

Aggregate = Literal["product", "category", "store"]
Touch = tuple[Aggregate, int]

AGGREGATES: Final[tuple[Aggregate, ...]] = ("store", "category", "product")
"""Every aggregate, in the order the projector emits a batch's events (a new store view is
announced before the products that get values for it)."""

EAV_TYPES: Final = ("varchar", "int", "decimal", "text", "datetime")

PRODUCT_TABLES: Final[dict[str, str]] = {
    "catalog_product_entity": "entity_id",
    **{f"catalog_product_entity_{t}": "entity_id" for t in EAV_TYPES},
    "catalog_product_website": "product_id",
    "catalog_category_product": "product_id",
    "cataloginventory_stock_item": "product_id",
    "cataloginventory_stock_status": "product_id",
    "catalog_product_super_link": "parent_id",
    "catalog_product_relation": "parent_id",
    "catalog_product_super_attribute": "product_id",
}
CATEGORY_TABLES: Final[dict[str, str]] = {
    "catalog_category_entity": "entity_id",
    **{f"catalog_category_entity_{t}": "entity_id" for t in EAV_TYPES},
}
STORE_TABLES: Final = ("store_website", "store_group", "store")
METADATA_TABLES: Final = (
    *STORE_TABLES,
    "eav_entity_type",
    "eav_attribute",
    "catalog_eav_attribute",
)

CAPTURED: Final[tuple[str, ...]] = (
    *METADATA_TABLES,
    *CATEGORY_TABLES,
    *PRODUCT_TABLES,
)


class _All:
    """Marker: the change touches every aggregate."""

    def __repr__(self) -> str:
        return "ALL"


ALL: Final = _All()


def is_captured(table: str) -> bool:
    return table in _CAPTURED_SET


_CAPTURED_SET = frozenset(CAPTURED)


def touched(table: str, row: Mapping[str, Value]) -> list[Touch] | _All:
    """The aggregates that a change of `row` in `table` may alter."""
    if table in METADATA_TABLES:
        return ALL
    column = PRODUCT_TABLES.get(table)
    if column is not None:
        return _one("product", row.get(column))
    column = CATEGORY_TABLES.get(table)
    if column is not None:
        return _one("category", row.get(column))
    return []


def _one(aggregate: Aggregate, value: Value) -> list[Touch]:
    if value is None:
        return []
    return [(aggregate, int(value))]  # type: ignore[arg-type]
