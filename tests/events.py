"""Domain events as the services' integration tests publish them (sync's side of the contract)."""

from __future__ import annotations

import uuid
from typing import Any

from ficus_contracts.events import DomainEvent, EventKind, StoreState


def store_event(store_id: int, version: int, code: str | None, **fields: Any) -> DomainEvent:
    """An upsert of store view `store_id` with `code` (other fields: a plain active view of
    website 1, overridable), or its deletion (code None)."""
    state = None
    if code is not None:
        values: dict[str, Any] = {
            "store_id": store_id, "code": code, "website_id": 1, "website_code": "base",
            "group_id": 1, "name": code.title(), "is_active": True,
        }  # fmt: skip
        state = StoreState(**{**values, **fields})
    return DomainEvent(
        aggregate="store",
        aggregate_id=uuid.uuid5(uuid.NAMESPACE_URL, f"ficus:test:store:{store_id}"),
        entity_id=store_id,
        version=version,
        kind=EventKind.UPSERTED if state else EventKind.DELETED,
        payload=state,
    )
