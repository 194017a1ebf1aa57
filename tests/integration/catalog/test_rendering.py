"""Render at apply on real Postgres: the stored Magento JSON per store view is written with
the event, replaced by a newer one, removed with the product, rendered on start when missing,
and the by-sku read resolves the store view and the sku as the catalog always did."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import delete, select

from ficus_catalog.applying import apply_event
from ficus_catalog.bodies import Found
from ficus_catalog.bootstrap import Catalog
from ficus_catalog.core.body import json_bytes
from ficus_catalog.product_mapper import product_state
from ficus_catalog.rendering import render_missing
from ficus_catalog.tables import ProductJson
from ficus_catalog.testing import aggregate_id, deletion_event, product_event
from ficus_catalog.testing import product_state as make_state
from ficus_contracts.events import DomainEvent, ProductState
from ficus_legacy.core.magento_json import render_product

pytestmark = pytest.mark.integration


def apply(catalog: Catalog, *events: DomainEvent) -> None:
    for event in events:
        with catalog.sessions.begin() as session:
            apply_event(session, event)


def stored_json(catalog: Catalog, entity_id: int) -> dict[int, bytes]:
    stmt = select(ProductJson.store_id, ProductJson.body).where(
        ProductJson.product_uuid == aggregate_id(entity_id)
    )
    with catalog.sessions() as session:
        return {store_id: bytes(body) for store_id, body in session.execute(stmt)}


def expected(catalog: Catalog, entity_id: int) -> dict[int, bytes]:
    product = catalog.reads.by_uuid(aggregate_id(entity_id))
    assert product is not None
    state = product_state(product)
    return {s: json_bytes(render_product(state, s)) for s in {0, *state.attributes}}


def only_french(entity_id: int) -> ProductState:
    """Values of its own in store 0 and the French view (2) only."""
    state = make_state(entity_id)
    attributes = {s: v for s, v in state.attributes.items() if s in (0, 2)}
    return state.model_copy(update={"attributes": attributes})


def by_sku(catalog: Catalog, *reads: tuple[str, str | None]) -> list[Found]:
    """Each (sku, store code) read through the service's pool, opened in one event loop."""

    async def read() -> list[Found]:
        await catalog.bodies.open()
        try:
            return [await catalog.bodies.by_sku(sku, code) for sku, code in reads]
        finally:
            await catalog.bodies.close()

    return asyncio.run(read())


def test_apply_renders_every_view_and_delete_removes_it(catalog: Catalog) -> None:
    apply(catalog, product_event(make_state(1), 1))
    assert stored_json(catalog, 1) == expected(catalog, 1)
    assert set(stored_json(catalog, 1)) == {0, 1, 2, 3}

    apply(catalog, product_event(make_state(1, name="Renamed"), 2))
    assert b'"name":"Renamed"' in stored_json(catalog, 1)[0]
    assert stored_json(catalog, 1) == expected(catalog, 1)

    apply(catalog, deletion_event(1, 3))
    assert stored_json(catalog, 1) == {}


def test_products_applied_before_the_table_are_rendered_on_start(catalog: Catalog) -> None:
    apply(catalog, *(product_event(make_state(i), 1) for i in (1, 2)))
    with catalog.sessions.begin() as session:
        session.execute(delete(ProductJson))
    assert render_missing(catalog.sessions) == 2
    assert stored_json(catalog, 2) == expected(catalog, 2)
    assert render_missing(catalog.sessions) == 0


def test_by_sku_resolves_the_view_and_falls_back_to_store_0(catalog: Catalog) -> None:
    apply(catalog, product_event(only_french(7), 1))
    bodies = stored_json(catalog, 7)
    assert set(bodies) == {0, 2}
    reads = [
        ("sku-00007", "french"),
        ("SKU-00007", "german"),
        ("SKU-00007", None),  # the default_store setting: default (1)
        ("SKU-00007", "all"),
        ("SKU-00008", "french"),
        ("SKU-00007", "klingon"),
    ]
    assert by_sku(catalog, *reads) == [
        Found(2, bodies[2]),
        Found(3, bodies[0]),
        Found(1, bodies[0]),
        Found(0, bodies[0]),
        Found(2, None),
        Found(None, None),
    ]
