"""`ProductState` / `CategoryState` ↔ the catalog's normalized rows, losslessly: rows built
from a state rebuild exactly that state. `StoreState` → its `catalog_store` row,
`AuthRevocationState` → its `token_revocation` row, `AdminRoleState` → its `admin_role` row.

A product's rows include its Magento JSON per store view (`product_json`), rendered from the
state: since the rows rebuild exactly that state, these are the bytes a rendering of the
stored product gives. One body for store 0 (what `all` and every view without values of its
own see: `store_attributes` falls back to store 0) and one per view with values."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ficus_catalog.core.body import json_bytes
from ficus_catalog.core.values import (
    format_datetime,
    join_attributes,
    parse_datetime,
    required_decimal,
    split_attributes,
)
from ficus_catalog.tables import (
    AdminRole,
    Base,
    CatalogStore,
    Category,
    CategoryStoreValue,
    ConfigurableAttribute,
    ConfigurableChild,
    ConfigurableOptionRow,
    IntegrationToken,
    Product,
    ProductCategory,
    ProductJson,
    ProductStoreValue,
    ProductWebsite,
    Stock,
    TokenRevocation,
)
from ficus_contracts.auth import AdminRoleState, AuthRevocationState, IntegrationTokenState
from ficus_contracts.events import (
    CategoryLink,
    CategoryState,
    ConfigurableOption,
    ProductState,
    StockItem,
    StoreState,
)
from ficus_legacy.core.magento_json import render_product

INSERT_ORDER: tuple[type[Base], ...] = (
    Product,
    ProductJson,
    ProductStoreValue,
    ProductWebsite,
    ProductCategory,
    Stock,
    ConfigurableChild,
    ConfigurableAttribute,
    ConfigurableOptionRow,
    Category,
    CategoryStoreValue,
    CatalogStore,
    TokenRevocation,
    AdminRole,
    IntegrationToken,
)

Row = dict[str, Any]


@dataclass
class Rows:
    """Column dicts per table for one or more aggregates, inserted parents first."""

    tables: dict[type[Base], list[Row]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: type[Base], *rows: Row) -> None:
        self.tables[table].extend(rows)

    def extend(self, other: Rows) -> None:
        for table, rows in other.tables.items():
            self.tables[table].extend(rows)

    def insert_order(self) -> list[tuple[type[Base], list[Row]]]:
        return [(t, self.tables[t]) for t in INSERT_ORDER if self.tables.get(t)]


def product_rows(aggregate_id: uuid.UUID, version: int, state: ProductState) -> Rows:
    rows = Rows()
    rows.add(
        Product,
        {
            "uuid": aggregate_id,
            "entity_id": state.entity_id,
            "sku": state.sku,
            "type_id": state.type_id,
            "attribute_set_id": state.attribute_set_id,
            "has_options": state.has_options,
            "required_options": state.required_options,
            "created_at": parse_datetime(state.created_at, "created_at"),
            "updated_at": parse_datetime(state.updated_at, "updated_at"),
            "version": version,
        },
    )
    link = {"product_uuid": aggregate_id}
    for store_id, values in state.attributes.items():
        columns, extra = split_attributes(values)
        rows.add(ProductStoreValue, {**link, "store_id": store_id, "extra": extra, **columns})
    for i, website_id in enumerate(state.website_ids):
        rows.add(ProductWebsite, {**link, "website_id": website_id, "ordinal": i})
    for i, c in enumerate(state.category_links):
        category = {"category_id": c.category_id, "position": c.position, "ordinal": i}
        rows.add(ProductCategory, {**link, **category})
    if state.stock_item is not None:
        rows.add(Stock, {**link, **_stock_row(state.stock_item)})
    for i, child in enumerate(state.configurable_children):
        rows.add(ConfigurableChild, {**link, "child_entity_id": child, "ordinal": i})
    for i, code in enumerate(state.configurable_attributes):
        rows.add(ConfigurableAttribute, {**link, "attribute_code": code, "ordinal": i})
    for option in state.configurable_options:
        values = option.model_dump(mode="json", exclude={"id"})
        rows.add(ConfigurableOptionRow, {**link, "option_id": option.id, **values})
    rows.add(ProductJson, *json_rows(aggregate_id, state))
    return rows


def json_rows(aggregate_id: uuid.UUID, state: ProductState) -> list[Row]:
    """The `product_json` rows of a product: its Magento JSON per store view."""
    product = {"product_uuid": aggregate_id, "entity_id": state.entity_id, "sku": state.sku}
    return [
        {**product, "store_id": store_id, "body": json_bytes(render_product(state, store_id))}
        for store_id in sorted({0, *state.attributes})
    ]


def _stock_row(item: StockItem) -> Row:
    low = parse_datetime(item.low_stock_date, "low_stock_date") if item.low_stock_date else None
    return {
        "item_id": item.item_id,
        "stock_id": item.stock_id,
        "qty": required_decimal(item.qty, "qty"),
        "is_in_stock": item.is_in_stock,
        "manage_stock": item.manage_stock,
        "use_config_manage_stock": item.use_config_manage_stock,
        "min_sale_qty": required_decimal(item.min_sale_qty, "min_sale_qty"),
        "max_sale_qty": required_decimal(item.max_sale_qty, "max_sale_qty"),
        "low_stock_date": low,
    }


def product_state(product: Product) -> ProductState:
    return ProductState(
        entity_id=product.entity_id,
        sku=product.sku,
        type_id=product.type_id,
        attribute_set_id=product.attribute_set_id,
        has_options=product.has_options,
        required_options=product.required_options,
        created_at=format_datetime(product.created_at),
        updated_at=format_datetime(product.updated_at),
        website_ids=[w.website_id for w in product.websites],
        category_links=[
            CategoryLink(category_id=c.category_id, position=c.position) for c in product.categories
        ],
        stock_item=_stock_item(product.stock) if product.stock else None,
        configurable_children=[c.child_entity_id for c in product.children],
        configurable_attributes=[a.attribute_code for a in product.super_attributes],
        configurable_options=[configurable_option(o) for o in product.options],
        attributes={row.store_id: store_values(row) for row in product.stores},
    )


def configurable_option(row: ConfigurableOptionRow) -> ConfigurableOption:
    return ConfigurableOption(
        id=row.option_id,
        attribute_id=row.attribute_id,
        attribute_code=row.attribute_code,
        position=row.position,
        frontend_label=row.frontend_label,
        labels=row.labels or {},
    )


def store_values(row: ProductStoreValue) -> dict[str, str | None]:
    """A store row's attribute values, as the state has them."""
    columns = {
        "name": row.name,
        "url_key": row.url_key,
        "description": row.description,
        "short_description": row.short_description,
        "price": row.price,
        "special_price": row.special_price,
        "weight": row.weight,
        "status": row.status,
        "visibility": row.visibility,
    }
    return join_attributes(columns, row.extra)


def _stock_item(stock: Stock) -> StockItem:
    return StockItem(
        item_id=stock.item_id,
        stock_id=stock.stock_id,
        qty=None if stock.qty is None else str(stock.qty),
        is_in_stock=stock.is_in_stock,
        manage_stock=stock.manage_stock,
        use_config_manage_stock=stock.use_config_manage_stock,
        min_sale_qty=str(stock.min_sale_qty),
        max_sale_qty=str(stock.max_sale_qty),
        low_stock_date=format_datetime(stock.low_stock_date) if stock.low_stock_date else None,
    )


def category_rows(aggregate_id: uuid.UUID, version: int, state: CategoryState) -> Rows:
    rows = Rows()
    rows.add(
        Category,
        {
            "uuid": aggregate_id,
            "entity_id": state.entity_id,
            "parent_id": state.parent_id,
            "path": state.path,
            "position": state.position,
            "level": state.level,
            "children_count": state.children_count,
            "created_at": parse_datetime(state.created_at, "created_at"),
            "updated_at": parse_datetime(state.updated_at, "updated_at"),
            "version": version,
        },
    )
    for store_id, values in state.attributes.items():
        store = {"store_id": store_id, "name": values.get("name"), "extra": dict(values)}
        rows.add(CategoryStoreValue, {"category_uuid": aggregate_id, **store})
    return rows


def category_state(category: Category) -> CategoryState:
    return CategoryState(
        entity_id=category.entity_id,
        parent_id=category.parent_id,
        path=category.path,
        position=category.position,
        level=category.level,
        children_count=category.children_count,
        created_at=format_datetime(category.created_at),
        updated_at=format_datetime(category.updated_at),
        attributes={row.store_id: dict(row.extra) for row in category.stores},
    )


def store_rows(version: int, state: StoreState) -> Rows:
    rows = Rows()
    rows.add(CatalogStore, {**state.model_dump(), "version": version})
    return rows


def revocation_rows(aggregate_id: uuid.UUID, version: int, state: AuthRevocationState) -> Rows:
    rows = Rows()
    values = {**state.model_dump(), "aggregate_id": aggregate_id, "version": version}
    rows.add(TokenRevocation, values)
    return rows


def role_rows(aggregate_id: uuid.UUID, version: int, state: AdminRoleState) -> Rows:
    rows = Rows()
    values = {**state.model_dump(), "aggregate_id": aggregate_id, "version": version}
    rows.add(
        AdminRole, {**values, "resources": list(state.resources), "denied": list(state.denied)}
    )
    return rows


def token_rows(aggregate_id: uuid.UUID, version: int, state: IntegrationTokenState) -> Rows:
    rows = Rows()
    values = {**state.model_dump(), "aggregate_id": aggregate_id, "version": version}
    rows.add(
        IntegrationToken,
        {**values, "resources": list(state.resources), "denied": list(state.denied)},
    )
    return rows
