"""Category reads for Magento's category routes, from the tables the category events fill
(`category`, `category_store_value`) and the products' category links: one category, the tree
under a store's root, and the rows a searchCriteria list filters. Each call opens and closes
its own session; the JSON is rendered by `ficus_legacy.core.category_json`, as the stand-in's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from ficus_catalog import category_products, configurable
from ficus_catalog.core import category_criteria
from ficus_catalog.errors import NoSuchEntity
from ficus_catalog.product_mapper import category_state
from ficus_catalog.tables import CatalogStore, Category, ProductCategory
from ficus_legacy.core.category_json import render_category, render_tree
from ficus_legacy.core.searchcriteria import SearchCriteria

ADMIN_ROOT = 1  # the tree root of store 0 (`all`): Magento's "Root Catalog"
_WITH_VALUES = selectinload(Category.stores)


class CategoryReads:
    """Queries of the category routes; an unknown id is Magento's "no such entity"."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def one(self, category_id: int, store_id: int) -> dict[str, Any]:
        """`GET /V1/categories/{id}` as `store_id` sees it."""
        found = self.many([category_id], store_id)
        if not found:
            raise NoSuchEntity("id", category_id)
        return found[0]

    def many(self, ids: list[int], store_id: int) -> list[dict[str, Any]]:
        """Categories by id, in the order of `ids` (a list's page)."""
        with self._sessions() as session:
            rows = session.scalars(
                select(Category).where(Category.entity_id.in_(ids)).options(_WITH_VALUES)
            ).all()
            by_id = {row.entity_id: row for row in rows}
            kids = _children_of(session, ids)
            return [
                render_category(category_state(by_id[i]), store_id, kids.get(i, []))
                for i in ids
                if i in by_id
            ]

    def products(self, category_id: int, store_id: int) -> list[dict[str, Any]]:
        """`GET /V1/categories/{id}/products` as `store_id` sees it."""
        with self._sessions() as session:
            return category_products.assigned(session, category_id, store_id)

    def configurable_options(self, sku: str, store_id: int) -> list[dict[str, Any]]:
        """`GET /V1/configurable-products/{sku}/options/all` as `store_id` labels it."""
        with self._sessions() as session:
            return configurable.options(session, sku, store_id)

    def tree(self, store_id: int, root_id: int | None, depth: int | None) -> dict[str, Any]:
        """`GET /V1/categories`: the store's root (or `root_id`) and its descendants, `depth`
        levels deep (all without it), each with its product count."""
        with self._sessions() as session:
            root_id = root_id if root_id is not None else _root(session, store_id)
            root = session.scalars(select(Category).where(Category.entity_id == root_id)).first()
            if root is None:
                raise NoSuchEntity("id", root_id)
            stmt = select(Category).where(
                or_(Category.entity_id == root_id, Category.path.like(f"{root.path}/%"))
            )
            if depth is not None:
                stmt = stmt.where(Category.level <= root.level + depth)
            states = [category_state(c) for c in session.scalars(stmt.options(_WITH_VALUES))]
            counts = _product_counts(session, [s.entity_id for s in states])
            return render_tree(root_id, states, counts, store_id)

    def page(self, criteria: SearchCriteria, store_id: int) -> dict[str, Any]:
        """`GET /V1/categories/list`: every category loaded, filtered in memory (a catalog has
        a few thousand at most), each item as `one` renders it."""
        with self._sessions() as session:
            stmt = select(Category).options(_WITH_VALUES)
            states = [category_state(c) for c in session.scalars(stmt)]
        chosen, total = category_criteria.select(states, criteria, store_id)
        children: dict[int, list[int]] = {}
        for state in sorted(states, key=lambda s: (s.position, s.entity_id)):
            children.setdefault(state.parent_id, []).append(state.entity_id)
        items = [render_category(s, store_id, children.get(s.entity_id, [])) for s in chosen]
        return {"items": items, "search_criteria": criteria.echo(), "total_count": total}


def _root(session: Session, store_id: int) -> int:
    if store_id == 0:
        return ADMIN_ROOT
    stmt = select(CatalogStore.root_category_id).where(CatalogStore.store_id == store_id)
    root = session.scalar(stmt)
    return int(root) if root else ADMIN_ROOT


def _children_of(session: Session, ids: list[int]) -> dict[int, list[int]]:
    stmt = (
        select(Category.parent_id, Category.entity_id)
        .where(Category.parent_id.in_(ids))
        .order_by(Category.position, Category.entity_id)
    )
    out: dict[int, list[int]] = {}
    for parent, child in session.execute(stmt):
        out.setdefault(parent, []).append(child)
    return out


def _product_counts(session: Session, ids: list[int]) -> dict[int, int]:
    stmt = (
        select(ProductCategory.category_id, func.count())
        .where(ProductCategory.category_id.in_(ids))
        .group_by(ProductCategory.category_id)
    )
    return {int(category): int(n) for category, n in session.execute(stmt)}
