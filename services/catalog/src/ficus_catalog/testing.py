"""Test factories (shipped with the package, as mitmproxy's `tflow`): product states and
domain events shaped like sync's projector emits them, and Magento's credentials as the
catalog checks them (a test crypt key, an admin token signed with its derived key)."""

from __future__ import annotations

import uuid
from typing import Any

from ficus_contracts.events import (
    CategoryLink,
    DomainEvent,
    EventKind,
    ProductState,
    StockItem,
)
from ficus_legacy import tokens

STORES = {"admin": 0, "default": 1, "french": 2, "german": 3}
# env.php's crypt/key of the tests (32 characters, as Magento generates them)
CRYPT_KEY = "ficus0catalog00test000crypt0key0"


def bearer(user_id: int = 1, user_type: tokens.UserType = tokens.UserType.ADMIN, **kw: Any) -> str:
    """A token Magento would issue with `CRYPT_KEY` (kw: `now`, `ttl_seconds`)."""
    return tokens.issue(tokens.signing_key(CRYPT_KEY), user_id, user_type, **kw)


def admin_headers(user_id: int = 1) -> dict[str, str]:
    """`Authorization: Bearer …` of an admin, for the catalog's Magento routes."""
    return {"Authorization": f"Bearer {bearer(user_id)}"}


def product_state(entity_id: int, **overrides: Any) -> ProductState:
    """A simple product visible in three store views; the French view overrides the name."""
    name = overrides.pop("name", f"Product {entity_id}")
    price = overrides.pop("price", f"{entity_id * 3 % 97 + 0.5:.6f}")
    defaults: dict[str, str | None] = {
        "name": name,
        "price": price,
        "status": "1",
        "visibility": "4",
        "url_key": f"product-{entity_id}",
        "description": f"<p>Description of {entity_id}</p>",
        "short_description": None,
        "weight": "1.2500",
        "tax_class_id": "2",
        "color": str(49 + entity_id % 3),
        "news_from_date": "2024-01-01 00:00:00",
    }
    french = {**defaults, "name": f"Produit {entity_id}", "url_key": f"produit-{entity_id}"}
    values: dict[str, Any] = {
        "entity_id": entity_id,
        "sku": f"SKU-{entity_id:05d}",
        "type_id": "simple",
        "attribute_set_id": 4,
        "created_at": "2024-03-01 10:00:00",
        "updated_at": "2024-03-02 11:30:00",
        "website_ids": [1],
        "category_links": [CategoryLink(category_id=3, position=entity_id % 5)],
        "stock_item": StockItem(
            item_id=entity_id, qty=f"{entity_id % 40}.0000", is_in_stock=entity_id % 40 > 0
        ),
        "attributes": {0: defaults, 1: dict(defaults), 2: french, 3: dict(defaults)},
    }
    values.update(overrides)
    return ProductState(**values)


def aggregate_id(entity_id: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"ficus:test:product:{entity_id}")


def product_event(
    state: ProductState, version: int, *, source_ts_ms: int | None = None
) -> DomainEvent:
    return DomainEvent(
        aggregate="product",
        aggregate_id=aggregate_id(state.entity_id),
        entity_id=state.entity_id,
        version=version,
        kind=EventKind.UPSERTED,
        source_ts_ms=source_ts_ms,
        payload=state,
    )


def deletion_event(entity_id: int, version: int) -> DomainEvent:
    return DomainEvent(
        aggregate="product",
        aggregate_id=aggregate_id(entity_id),
        entity_id=entity_id,
        version=version,
        kind=EventKind.DELETED,
    )


def event_row(event: DomainEvent) -> dict[str, Any]:
    """The `domain_event` columns of an event, as sync inserts them (payload as JSON)."""
    data = event.model_dump(mode="json")
    return {
        "aggregate": data["aggregate"],
        "aggregate_id": data["aggregate_id"],
        "entity_id": data["entity_id"],
        "version": data["version"],
        "kind": data["kind"],
        "payload": data["payload"],
        "source_ts_ms": data["source_ts_ms"],
        "reverse_watermark": data["reverse_watermark"],
    }
