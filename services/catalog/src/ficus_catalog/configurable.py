"""`GET /V1/configurable-products/{sku}/options/all` from the catalog's tables: the product's
`configurable_option` rows (from its events) and its children's store-0 values, rendered by
`ficus_legacy.core.configurable_json` as the stand-in renders them (labels from the option's
`catalog_product_super_attribute_label` rows, which the events carry)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ficus_catalog.errors import NotConfigurable, ProductNotFound
from ficus_catalog.product_mapper import configurable_option, store_values
from ficus_catalog.tables import Product, ProductStoreValue
from ficus_legacy.core.configurable_json import render_options


def options(session: Session, sku: str, store_id: int) -> list[dict[str, Any]]:
    """OptionRepository::getList: 404 for an unknown sku, 400 unless it is configurable."""
    product = session.scalars(
        select(Product)
        .where(func.lower(Product.sku) == sku.lower())
        .order_by(Product.entity_id)
        .limit(1)
        .options(selectinload(Product.options), selectinload(Product.children))
    ).first()
    if product is None:
        raise ProductNotFound(sku)
    if product.type_id != "configurable":
        raise NotConfigurable(sku)
    children = [c.child_entity_id for c in product.children]
    values = _defaults(session, children)
    found = [configurable_option(o) for o in product.options]
    children_values = [values.get(c, {}) for c in children]
    return render_options(product.entity_id, found, children_values, store_id)


def _defaults(session: Session, ids: list[int]) -> dict[int, dict[str, str | None]]:
    """The products' store-0 values."""
    rows = session.execute(
        select(Product.entity_id, ProductStoreValue)
        .join(ProductStoreValue, ProductStoreValue.product_uuid == Product.uuid)
        .where(Product.entity_id.in_(ids), ProductStoreValue.store_id == 0)
    )
    return {int(entity_id): store_values(row) for entity_id, row in rows}
