"""Products without stored Magento JSON (applied before the `product_json` revision) rendered
from their stored rows, once, when the service starts; events render it from then on (the
mapper's `json_rows`, written with the product's rows)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, selectinload, sessionmaker

from ficus_catalog.product_mapper import json_rows, product_state
from ficus_catalog.tables import Product, ProductJson

CHILDREN = (
    selectinload(Product.stores),
    selectinload(Product.websites),
    selectinload(Product.categories),
    selectinload(Product.stock),
    selectinload(Product.children),
    selectinload(Product.super_attributes),
    selectinload(Product.options),
)
BACKFILL_BATCH = 500


def _render_batch(session: Session) -> int:
    stored = select(ProductJson.product_uuid).where(ProductJson.product_uuid == Product.uuid)
    missing = select(Product).where(~stored.exists()).limit(BACKFILL_BATCH).options(*CHILDREN)
    products = list(session.execute(missing).scalars())
    rows = [row for p in products for row in json_rows(p.uuid, product_state(p))]
    if rows:
        session.execute(insert(ProductJson).on_conflict_do_nothing(), rows)
    return len(products)


def render_missing(sessions: sessionmaker[Session]) -> int:
    """Render every product that has no stored JSON yet; returns how many. Once all have it:
    one indexed query that finds none."""
    done = 0
    while True:
        with sessions.begin() as session:
            rendered = _render_batch(session)
        done += rendered
        if rendered < BACKFILL_BATCH:
            return done
