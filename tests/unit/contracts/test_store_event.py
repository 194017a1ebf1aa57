"""The domain event contract carries three payloads; each parses back as its own model."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from ficus_contracts.events import (
    CategoryState,
    DomainEvent,
    EventKind,
    ProductState,
    StoreState,
)

PRODUCT = ProductState(
    entity_id=7,
    sku="SKU-7",
    type_id="simple",
    attribute_set_id=4,
    created_at="2024-01-01 00:00:00",
    updated_at="2024-01-02 00:00:00",
    website_ids=[1],
    attributes={0: {"name": "Seven"}, 1: {"name": "Seven"}},
)
CATEGORY = CategoryState(
    entity_id=3,
    parent_id=2,
    path="1/2/3",
    position=1,
    level=2,
    created_at="2024-01-01 00:00:00",
    updated_at="2024-01-01 00:00:00",
    attributes={0: {"name": "Shoes"}},
)
STORE = StoreState(
    store_id=2,
    code="fr",
    website_id=1,
    website_code="base",
    group_id=1,
    name="French",
    sort_order=3,
    is_active=True,
    root_category_id=2,
)
ADMIN = StoreState(
    store_id=0, code="admin", website_id=0, website_code="admin", group_id=0, name="Admin",
    is_active=True,
)  # fmt: skip


def _event(aggregate: str, payload: ProductState | CategoryState | StoreState) -> DomainEvent:
    return DomainEvent(
        aggregate=aggregate,  # type: ignore[arg-type]
        aggregate_id=uuid.uuid4(),
        entity_id=payload.entity_id,
        version=4,
        kind=EventKind.UPSERTED,
        payload=payload,
    )


@pytest.mark.parametrize(
    ("aggregate", "payload"),
    [("product", PRODUCT), ("category", CATEGORY), ("store", STORE), ("store", ADMIN)],
)
def test_every_payload_round_trips_as_its_own_model(
    aggregate: str, payload: ProductState | CategoryState | StoreState
) -> None:
    event = _event(aggregate, payload)
    from_json = DomainEvent.model_validate_json(event.model_dump_json())
    from_dict = DomainEvent.model_validate(event.model_dump(mode="json"))
    for parsed in (from_json, from_dict):
        assert type(parsed.payload) is type(payload)
        assert parsed == event


def test_a_store_view_is_keyed_by_its_store_id() -> None:
    assert STORE.entity_id == 2
    assert ADMIN.entity_id == 0
    assert "entity_id" not in STORE.model_dump()


def test_a_store_payload_with_an_unknown_field_is_refused() -> None:
    payload = {**STORE.model_dump(), "locale": "fr_FR"}
    row = {**_event("store", STORE).model_dump(mode="json"), "payload": payload}
    with pytest.raises(ValidationError):
        DomainEvent.model_validate(row)


def test_an_unknown_aggregate_is_refused() -> None:
    row = {**_event("store", STORE).model_dump(mode="json"), "aggregate": "website"}
    with pytest.raises(ValidationError):
        DomainEvent.model_validate(row)
