"""Test factories (shipped with the package, as mitmproxy's `tflow`): customer states and
domain events shaped like sync's projector emits them."""

from __future__ import annotations

import uuid
from typing import Any

from ficus_contracts.customers import AddressState, CustomerState
from ficus_contracts.events import DomainEvent, EventKind

CREATED = "2026-01-02 03:04:05"


def address_state(entity_id: int, **overrides: Any) -> AddressState:
    values: dict[str, Any] = {
        "entity_id": entity_id, "firstname": "Ada", "lastname": "Lovelace",
        "street": "12 Analytical Row\nFlat 3", "city": "London", "region": "Greater London",
        "postcode": "N1 7AA", "country_id": "GB", "telephone": "+44 20 7946 0000",
        "created_at": CREATED, "updated_at": CREATED,
    }  # fmt: skip
    return AddressState(**{**values, **overrides})


def customer_state(entity_id: int, **overrides: Any) -> CustomerState:
    """A customer of website 1 with one address, its default billing and shipping address."""
    address_id = entity_id * 10
    values: dict[str, Any] = {
        "entity_id": entity_id, "website_id": 1, "email": f"customer{entity_id}@example.com",
        "group_id": 1, "store_id": 1, "created_at": CREATED, "updated_at": CREATED,
        "created_in": "Default Store View", "firstname": "Ada", "lastname": f"Customer{entity_id}",
        "dob": "1990-12-10", "gender": 2, "default_billing": address_id,
        "default_shipping": address_id, "addresses": [address_state(address_id)],
    }  # fmt: skip
    return CustomerState(**{**values, **overrides})


def customer_event(
    state: CustomerState | None,
    version: int,
    *,
    entity_id: int | None = None,
    source_ts_ms: int | None = None,
    reverse_watermark: int | None = None,
) -> DomainEvent:
    """An upsert of `state`, or (state None) the deletion of customer `entity_id`; its
    `reverse_watermark`: the newest service write (outbox id) Magento's state has seen."""
    key = state.entity_id if state is not None else entity_id
    assert key is not None
    return DomainEvent(
        aggregate="customer",
        aggregate_id=uuid.uuid5(uuid.NAMESPACE_URL, f"ficus:test:customer:{key}"),
        entity_id=key,
        version=version,
        kind=EventKind.UPSERTED if state is not None else EventKind.DELETED,
        source_ts_ms=source_ts_ms,
        reverse_watermark=reverse_watermark,
        payload=state,
    )
