"""A `ProductState` rendered as Magento's product JSON for one store view (MAGENTO.md §D5).

Pure: the stand-in and the catalog service both call `render_product`, so the two answer the same
bytes for the same data. Magento's output rules kept here:
- `name`, `price`, `status`, `visibility`, `weight` are top-level and typed (float/int);
- every other attribute with a value is a `custom_attributes` entry whose value is a string, except
  `category_ids`, an array of strings; entries are sorted by attribute code;
- nulls are left out (Magento's output processor skips them);
- `extension_attributes` carries website_ids, category_links (category_id as a string), stock_item
  and, for configurable products, configurable_product_links.
"""

from __future__ import annotations

from typing import Any

from ficus_contracts.events import AttributeValue, ProductState, StockItem

__all__ = ["TOP_LEVEL_ATTRIBUTES", "render_product", "render_stock_item", "store_attributes"]

TOP_LEVEL_ATTRIBUTES: dict[str, type[int] | type[float] | type[str]] = {
    "name": str,
    "price": float,
    "status": int,
    "visibility": int,
    "weight": float,
}
_NOT_CUSTOM = frozenset({"sku", "category_ids", "created_at", "updated_at", *TOP_LEVEL_ATTRIBUTES})


def store_attributes(state: ProductState, store_id: int) -> dict[str, AttributeValue]:
    """The attribute values seen from a store view: its own, else the store-0 defaults."""
    defaults = state.attributes.get(0, {})
    own = state.attributes.get(store_id)
    if own is None or store_id == 0:
        return dict(defaults)
    return {**defaults, **own}


def _typed(kind: type[int] | type[float] | type[str], raw: str) -> int | float | str:
    if kind is int:
        return int(float(raw))
    if kind is float:
        return float(raw)
    return raw


def _decimal(raw: str | None) -> float | None:
    return None if raw is None else float(raw)


def render_stock_item(stock: StockItem, product_id: int) -> dict[str, Any]:
    """The `stock_item` extension attribute, from the fields a `ProductState` carries."""
    out: dict[str, Any] = {
        "item_id": stock.item_id,
        "product_id": product_id,
        "stock_id": stock.stock_id,
        "qty": _decimal(stock.qty),
        "is_in_stock": stock.is_in_stock,
        "use_config_manage_stock": stock.use_config_manage_stock,
        "manage_stock": stock.manage_stock,
        "min_sale_qty": float(stock.min_sale_qty),
        "max_sale_qty": float(stock.max_sale_qty),
        "low_stock_date": stock.low_stock_date,
    }
    return {key: value for key, value in out.items() if value is not None}


def _extension(state: ProductState) -> dict[str, Any]:
    links = sorted(state.category_links, key=lambda link: (link.category_id, link.position))
    out: dict[str, Any] = {
        "website_ids": sorted(state.website_ids),
        "category_links": [
            {"position": link.position, "category_id": str(link.category_id)} for link in links
        ],
    }
    if state.stock_item is not None:
        out["stock_item"] = render_stock_item(state.stock_item, state.entity_id)
    if state.type_id == "configurable":
        out["configurable_product_links"] = sorted(state.configurable_children)
    return out


def _custom(state: ProductState, values: dict[str, AttributeValue]) -> list[dict[str, Any]]:
    custom: dict[str, Any] = {
        code: value
        for code, value in values.items()
        if value is not None and code not in _NOT_CUSTOM
    }
    custom.setdefault("has_options", str(state.has_options))
    custom.setdefault("required_options", str(state.required_options))
    if state.category_links:
        custom["category_ids"] = [str(link.category_id) for link in state.category_links]
    return [{"attribute_code": code, "value": custom[code]} for code in sorted(custom)]


def render_product(state: ProductState, store_id: int) -> dict[str, Any]:
    """Magento's `GET /V1/products/{sku}` body for `state` as seen from `store_id`."""
    values = store_attributes(state, store_id)
    out: dict[str, Any] = {
        "id": state.entity_id,
        "sku": state.sku,
        "attribute_set_id": state.attribute_set_id,
        "type_id": state.type_id,
        "created_at": state.created_at,
        "updated_at": state.updated_at,
    }
    for code, kind in TOP_LEVEL_ATTRIBUTES.items():
        raw = values.get(code)
        if raw is not None:
            out[code] = _typed(kind, raw)
    ordered_keys = [
        "id", "sku", "name", "attribute_set_id", "price", "status", "visibility", "type_id",
        "created_at", "updated_at", "weight",
    ]  # fmt: skip
    body = {key: out[key] for key in ordered_keys if key in out}
    body["extension_attributes"] = _extension(state)
    body["product_links"] = []
    body["options"] = []
    body["media_gallery_entries"] = []
    body["tier_prices"] = []
    body["custom_attributes"] = _custom(state, values)
    return body
