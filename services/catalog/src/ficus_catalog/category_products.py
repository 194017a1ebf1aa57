"""`GET /V1/categories/{id}/products` from the catalog's tables: the categories' per-store
`is_anchor` / `is_active`, the store's website and root (`catalog_store`), the products' links,
websites, status and visibility, and their configurable children's status. The answer is
`ficus_legacy.core.category_products`', as the stand-in's."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ficus_catalog.errors import NoSuchEntity
from ficus_catalog.tables import (
    CatalogStore,
    Category,
    CategoryStoreValue,
    ConfigurableChild,
    Product,
    ProductCategory,
    ProductStoreValue,
    ProductWebsite,
)
from ficus_legacy.core.category_products import (
    Listed,
    Node,
    Scope,
    assigned_to,
)


def assigned(session: Session, category_id: int, store_id: int) -> list[dict[str, Any]]:
    """The category's products as Magento lists them in `store_id` (unknown id: 404)."""
    found = assigned_to(category_id, CatalogFacts(session, store_id))
    if found is None:
        raise NoSuchEntity("id", category_id)
    return found


class CatalogFacts:
    """`Facts` read from the catalog's tables."""

    def __init__(self, session: Session, store_id: int) -> None:
        self.session, self.store_id = session, store_id
        self.scope = None if store_id == 0 else _scope(session, store_id)

    def nodes(self) -> dict[int, Node]:
        return _nodes(self.session, self.store_id)

    def linked(self, category_ids: list[int]) -> list[int]:
        return _linked(self.session, category_ids)

    def in_website(self, website_id: int) -> list[int]:
        return _in_website(self.session, website_id)

    def listed(self, product_ids: list[int]) -> list[Listed]:
        return _listed(self.session, product_ids, self.store_id)


def _nodes(session: Session, store_id: int) -> dict[int, Node]:
    value = CategoryStoreValue
    on = (value.category_uuid == Category.uuid) & value.store_id.in_([0, store_id])
    stmt = (
        select(Category.entity_id, Category.path, value.extra)
        .join(value, on, isouter=True)
        .order_by(Category.entity_id, value.store_id.nulls_first())
    )
    paths: dict[int, str] = {}
    values: dict[int, dict[str, Any]] = {}
    for entity_id, path, extra in session.execute(stmt):  # the store's row after store 0's
        paths[int(entity_id)] = str(path)
        values[int(entity_id)] = dict(extra or {})
    return {
        i: Node(i, paths[i], values[i].get("is_anchor") == "1", values[i].get("is_active") == "1")
        for i in paths
    }


def _scope(session: Session, store_id: int) -> Scope:
    row = session.execute(
        select(CatalogStore.website_id, Category.path)
        .join(Category, Category.entity_id == CatalogStore.root_category_id, isouter=True)
        .where(CatalogStore.store_id == store_id)
    ).first()
    website = int(row[0]) if row and row[0] is not None else 0
    return Scope(store_id, website, str(row[1]) if row and row[1] is not None else "1")


def _linked(session: Session, category_ids: list[int]) -> list[int]:
    stmt = (
        select(Product.entity_id)
        .join(ProductCategory, ProductCategory.product_uuid == Product.uuid)
        .where(ProductCategory.category_id.in_(category_ids))
        .distinct()
    )
    return [int(i) for i in session.scalars(stmt)]


def _in_website(session: Session, website_id: int) -> list[int]:
    stmt = (
        select(Product.entity_id)
        .join(ProductWebsite, ProductWebsite.product_uuid == Product.uuid)
        .where(ProductWebsite.website_id == website_id)
    )
    return [int(i) for i in session.scalars(stmt)]


def _statuses(session: Session, ids: list[int], store_id: int) -> dict[int, tuple[Any, Any]]:
    """(status, visibility) of each product in the store view (store 0's without a row)."""
    stmt = (
        select(Product.entity_id, ProductStoreValue.status, ProductStoreValue.visibility)
        .join(ProductStoreValue, ProductStoreValue.product_uuid == Product.uuid)
        .where(Product.entity_id.in_(ids), ProductStoreValue.store_id.in_([0, store_id]))
        .order_by(ProductStoreValue.store_id)
    )
    return {int(e): (s, v) for e, s, v in session.execute(stmt)}


def _by_product(
    session: Session, ids: list[int], table: Any, *columns: Any
) -> list[tuple[Any, ...]]:
    """(entity_id, *columns) of `table`'s rows of the products `ids`."""
    stmt = (
        select(Product.entity_id, *columns)
        .join(table, table.product_uuid == Product.uuid)
        .where(Product.entity_id.in_(ids))
    )
    return [tuple(row) for row in session.execute(stmt)]


def _listed(session: Session, ids: list[int], store_id: int) -> list[Listed]:
    if not ids:
        return []
    found = session.execute(
        select(Product.entity_id, Product.sku).where(Product.entity_id.in_(ids))
    )
    skus = {int(e): str(s) for e, s in found}
    links: dict[int, dict[int, int]] = defaultdict(dict)
    websites: dict[int, set[int]] = defaultdict(set)
    children: dict[int, list[int]] = defaultdict(list)
    link = (ProductCategory.category_id, ProductCategory.position)
    for pid, category, position in _by_product(session, ids, ProductCategory, *link):
        links[int(pid)][int(category)] = int(position)
    for pid, website in _by_product(session, ids, ProductWebsite, ProductWebsite.website_id):
        websites[int(pid)].add(int(website))
    child = ConfigurableChild.child_entity_id
    for pid, kid in _by_product(session, ids, ConfigurableChild, child):
        children[int(pid)].append(int(kid))
    kids = sorted({c for group in children.values() for c in group})
    flags = _statuses(session, ids + kids, store_id)
    none = (None, None)
    return [
        Listed(
            entity_id=pid,
            sku=sku,
            website_ids=frozenset(websites[pid]),
            status=_int(flags.get(pid, none)[0]),
            visibility=_int(flags.get(pid, none)[1]),
            links=links[pid],
            children_status=tuple(_int(flags.get(c, none)[0]) for c in children[pid]),
        )
        for pid, sku in skus.items()
    ]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
