"""Read side of the catalog through the ORM: products by sku / uuid, native pages, and the
store directory; native reads load each product with its children in a few batched queries.
(The Magento reads are served from the stored JSON: `bodies`.)"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from ficus_catalog.rendering import CHILDREN
from ficus_catalog.tables import (
    CatalogStore,
    Product,
    ProductCategory,
)


class CatalogReads:
    """Queries the API needs; each call opens and closes its own session."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def by_sku(self, sku: str) -> Product | None:
        """Magento compares skus case-insensitively (utf8mb4_general_ci)."""
        stmt = (
            select(Product)
            .where(func.lower(Product.sku) == sku.lower())
            .order_by(Product.entity_id)
            .limit(1)
            .options(*CHILDREN)
        )
        with self._sessions() as session:
            return session.execute(stmt).scalar_one_or_none()

    def by_uuid(self, product_id: uuid.UUID) -> Product | None:
        with self._sessions() as session:
            return session.get(Product, product_id, options=CHILDREN)

    def native_page(
        self, limit: int, after: int | None, sku: str | None, category_id: int | None
    ) -> list[Product]:
        """Products by entity_id after the cursor `after`, optionally filtered."""
        stmt = select(Product.uuid).order_by(Product.entity_id).limit(limit)
        if after is not None:
            stmt = stmt.where(Product.entity_id > after)
        if sku is not None:
            stmt = stmt.where(func.lower(Product.sku) == sku.lower())
        if category_id is not None:
            linked = select(ProductCategory.product_uuid).where(
                ProductCategory.category_id == category_id
            )
            stmt = stmt.where(Product.uuid.in_(linked))
        with self._sessions() as session:
            return self._load(session, list(session.execute(stmt).scalars()))

    @staticmethod
    def _load(session: Session, ids: Sequence[uuid.UUID]) -> list[Product]:
        if not ids:
            return []
        stmt = select(Product).where(Product.uuid.in_(ids)).options(*CHILDREN)
        found = {p.uuid: p for p in session.execute(stmt).scalars()}
        return [found[i] for i in ids if i in found]

    def stores(self) -> dict[str, int]:
        with self._sessions() as session:
            rows = session.execute(select(CatalogStore.code, CatalogStore.store_id))
            return {code: store_id for code, store_id in rows}

    def ping(self) -> None:
        with self._sessions() as session:
            session.execute(text("SELECT 1"))


def seed_stores(sessions: sessionmaker[Session], stores: Mapping[str, int]) -> bool:
    """Upsert the configured store code → id mapping into `catalog_store`, unless a store
    event was applied already (then the events are the truth); returns whether it seeded."""
    if not stores:
        return False
    with sessions.begin() as session:
        from_events = select(CatalogStore.code).where(CatalogStore.version.is_not(None))
        if session.execute(from_events.limit(1)).first() is not None:
            return False
        for code, store_id in stores.items():
            session.execute(
                delete(CatalogStore).where(
                    (CatalogStore.store_id == store_id) & (CatalogStore.code != code)
                )
            )
            stmt = insert(CatalogStore).values(code=code, store_id=store_id)
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[CatalogStore.code], set_={"store_id": store_id}
                )
            )
    return True
