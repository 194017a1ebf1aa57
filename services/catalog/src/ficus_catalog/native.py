"""The catalog's native JSON for a product (`/v1/products`): plain field names, one object per
store view, decimals as strings exactly as Magento stores them."""

from __future__ import annotations

from typing import Any

from ficus_catalog.product_mapper import product_state
from ficus_catalog.tables import Product


def native_product(product: Product) -> dict[str, Any]:
    state = product_state(product)
    stock = state.stock_item.model_dump(mode="json") if state.stock_item else None
    return {
        "id": str(product.uuid),
        "entity_id": state.entity_id,
        "sku": state.sku,
        "type_id": state.type_id,
        "attribute_set_id": state.attribute_set_id,
        "has_options": state.has_options,
        "required_options": state.required_options,
        "version": product.version,
        "created_at": state.created_at,
        "updated_at": state.updated_at,
        "website_ids": state.website_ids,
        "categories": [link.model_dump() for link in state.category_links],
        "stock": stock,
        "configurable": {
            "children": state.configurable_children,
            "attributes": state.configurable_attributes,
        },
        "stores": {str(store_id): values for store_id, values in state.attributes.items()},
    }
