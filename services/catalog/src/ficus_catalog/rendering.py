"""Render at apply: a product's Magento JSON per store view, written in the transaction that
applied its event, so that a read returns stored bytes.

The bodies are rendered from the rows just written, read back as the API read them before
(`product_state` of the loaded `Product`), so they are byte for byte the answers the catalog
gave when it rendered per request. One body for store 0 (what `all` and every view without
values of its own see, as `store_attributes` falls back) and one per view with values.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, selectinload, sessionmaker

from ficus_catalog.core.body import json_bytes
from ficus_catalog.product_mapper import Row, product_state
from ficus_catalog.tables import Product, ProductJson
from ficus_legacy.core.magento_json import render_product

CHILDREN = (
    selectinload(Product.stores),
    selectinload(Product.websites),
    selectinload(Product.categories),
    selectinload(Product.stock),
    selectinload(Product.children),
    selectinload(Product.super_attributes),
)
BACKFILL_BATCH = 500


def json_rows(product: Product) -> Iterator[Row]:
    """The `product_json` rows of one loaded product."""
    state = product_state(product)
    for store_id in sorted({0, *state.attributes}):
        yield {
            "product_uuid": product.uuid,
            "store_id": store_id,
            "entity_id": product.entity_id,
            "sku": product.sku,
            "body": json_bytes(render_product(state, store_id)),
        }


def render(session: Session, ids: Sequence[uuid.UUID]) -> None:
    """(Re)write the stored JSON of the products `ids` inside the caller's transaction."""
    if not ids:
        return
    stmt = select(Product).where(Product.uuid.in_(ids)).options(*CHILDREN)
    products = session.execute(stmt.execution_options(populate_existing=True)).scalars()
    rows = [row for product in products for row in json_rows(product)]
    if not rows:
        return
    upsert = insert(ProductJson)
    excluded = upsert.excluded
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=[ProductJson.product_uuid, ProductJson.store_id],
            set_={"entity_id": excluded.entity_id, "sku": excluded.sku, "body": excluded.body},
        ),
        rows,
    )


def render_missing(sessions: sessionmaker[Session]) -> int:
    """Render the products that have no stored JSON yet (applied before the `product_json`
    revision); returns how many. A no-op, one indexed query, once every product has it."""
    done = 0
    while True:
        with sessions.begin() as session:
            stored = select(ProductJson.product_uuid).where(
                ProductJson.product_uuid == Product.uuid
            )
            missing = select(Product.uuid).where(~stored.exists()).limit(BACKFILL_BATCH)
            ids = list(session.execute(missing).scalars())
            render(session, ids)
        done += len(ids)
        if len(ids) < BACKFILL_BATCH:
            return done
