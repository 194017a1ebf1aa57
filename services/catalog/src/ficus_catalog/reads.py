"""Read side of the catalog: products by sku / uuid, searchCriteria pages, native pages,
and the store directory. A searchCriteria page is the stored Magento JSON of its products
(`product_json`); native reads load each product with its children in a few batched queries."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, delete, exists, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased, sessionmaker

from ficus_catalog.criteria_sql import ProductQuery
from ficus_catalog.rendering import CHILDREN
from ficus_catalog.tables import (
    CatalogStore,
    Product,
    ProductCategory,
    ProductJson,
    ProductStoreValue,
)
from ficus_legacy.core.searchcriteria import SearchCriteria


@dataclass(frozen=True)
class BodyPage:
    """A searchCriteria page: the stored JSON of its products, in order, and the total."""

    bodies: list[bytes]
    total_count: int


class CatalogReads:
    """Queries the API needs; each call opens and closes its own session."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._attributes: set[str] = set()

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

    def search(self, criteria: SearchCriteria, store_id: int) -> BodyPage:
        """One statement: the page's stored bodies in order, each row with the total
        (`count(*) OVER ()`); the count alone only when the page is past the end."""
        with self._sessions() as session:
            query = ProductQuery(store_id, lambda code: self._has_attribute(session, code))
            rows, count = query.page(criteria)
            page = session.execute(_with_bodies(rows, store_id)).all()
            if page:
                total = page[0][2]
            else:
                total = session.execute(count).scalar_one() if criteria.offset else 0
            return BodyPage([body for _, body, _ in page if body is not None], int(total))

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

    def _has_attribute(self, session: Session, code: str) -> bool:
        """Whether any product carries attribute `code` (known ones are remembered)."""
        if code not in self._attributes:
            stmt = select(exists().where(ProductStoreValue.extra.has_key(code)))
            if session.execute(stmt).scalar():
                self._attributes.add(code)
        return code in self._attributes

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


_OWN = aliased(ProductJson, name="own")
_BASE = aliased(ProductJson, name="base")


def _with_bodies(rows: Select[Any], store_id: int) -> Select[Any]:
    """The page's select (of uuids) with, per product, the view's own stored JSON if it has
    one, else store 0's, and the total of the filtered rows."""
    own, base = _OWN, _BASE
    return (
        rows.add_columns(func.coalesce(own.body, base.body), func.count().over())
        .outerjoin(own, and_(own.product_uuid == Product.uuid, own.store_id == store_id))
        .outerjoin(base, and_(base.product_uuid == Product.uuid, base.store_id == 0))
    )


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
