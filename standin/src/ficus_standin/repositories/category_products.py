"""`GET /V1/categories/{id}/products`: the facts `ficus_legacy.core.category_products` needs,
read from Magento's tables (categories, links, websites, status and visibility, relations)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ficus_legacy.core.category_products import (
    Listed,
    Node,
    Scope,
    assigned_to,
)
from ficus_legacy.core.webapi_errors import NoSuchEntity
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.repositories import attributes
from ficus_standin.stores import Store


def assigned(conn: Connection, store: Store, category_id: int) -> list[dict[str, Any]]:
    """The category's products as Magento lists them in `store` (unknown id: 404)."""
    found = assigned_to(category_id, MagentoFacts(conn, store))
    if found is None:
        raise NoSuchEntity.field("id", category_id)
    return found


class MagentoFacts:
    """`Facts` read from Magento's tables."""

    def __init__(self, conn: Connection, store: Store) -> None:
        self.conn, self.store_id = conn, store.store_id
        self.scope = None if store.is_admin else _scope(conn, store)

    def nodes(self) -> dict[int, Node]:
        return _nodes(self.conn, self.store_id)

    def linked(self, category_ids: list[int]) -> list[int]:
        return _linked(self.conn, category_ids)

    def in_website(self, website_id: int) -> list[int]:
        return _in_website(self.conn, website_id)

    def listed(self, product_ids: list[int]) -> list[Listed]:
        return _listed(self.conn, product_ids, self.store_id)


def _rows(conn: Connection, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    with dict_cursor(conn) as cur:
        cur.execute(sql, args)
        return list(cur.fetchall())


def _marks(values: list[int]) -> str:
    return ", ".join(["%s"] * len(values))


def _nodes(conn: Connection, store_id: int) -> dict[int, Node]:
    rows = _rows(conn, "SELECT entity_id, path FROM catalog_category_entity", [])
    ids = [int(r["entity_id"]) for r in rows]
    flags = attributes.values(conn, attributes.CATEGORY, ids, ["is_anchor", "is_active"], store_id)
    return {
        int(r["entity_id"]): Node(
            entity_id=int(r["entity_id"]),
            path=str(r["path"]),
            anchor=str(flags[int(r["entity_id"])].get("is_anchor")) == "1",
            active=str(flags[int(r["entity_id"])].get("is_active")) == "1",
        )
        for r in rows
    }


def _scope(conn: Connection, store: Store) -> Scope:
    rows = _rows(
        conn,
        "SELECT c.path FROM store_group g JOIN catalog_category_entity c"
        " ON c.entity_id = g.root_category_id WHERE g.group_id = %s",
        [store.group_id],
    )
    return Scope(store.store_id, store.website_id, str(rows[0]["path"]) if rows else "1")


def _linked(conn: Connection, category_ids: list[int]) -> list[int]:
    rows = _rows(
        conn,
        "SELECT DISTINCT product_id FROM catalog_category_product"
        f" WHERE category_id IN ({_marks(category_ids)})",
        category_ids,
    )
    return [int(r["product_id"]) for r in rows]


def _in_website(conn: Connection, website_id: int) -> list[int]:
    rows = _rows(
        conn, "SELECT product_id FROM catalog_product_website WHERE website_id = %s", [website_id]
    )
    return [int(r["product_id"]) for r in rows]


def _of(conn: Connection, table: str, column: str, ids: list[int]) -> list[dict[str, Any]]:
    return _rows(conn, f"SELECT * FROM {table} WHERE {column} IN ({_marks(ids)})", ids)


def _listed(conn: Connection, ids: list[int], store_id: int) -> list[Listed]:
    if not ids:
        return []
    links: dict[int, dict[int, int]] = defaultdict(dict)
    for r in _of(conn, "catalog_category_product", "product_id", ids):
        links[int(r["product_id"])][int(r["category_id"])] = int(r["position"])
    websites: dict[int, set[int]] = defaultdict(set)
    for r in _of(conn, "catalog_product_website", "product_id", ids):
        websites[int(r["product_id"])].add(int(r["website_id"]))
    children: dict[int, list[int]] = defaultdict(list)
    for r in _of(conn, "catalog_product_relation", "parent_id", ids):
        children[int(r["parent_id"])].append(int(r["child_id"]))
    kids = sorted({c for group in children.values() for c in group})
    codes = ["status", "visibility"]
    values = attributes.values(conn, attributes.PRODUCT, ids + kids, codes, store_id)
    return [
        Listed(
            entity_id=(pid := int(e["entity_id"])),
            sku=str(e["sku"]),
            website_ids=frozenset(websites[pid]),
            status=_int(values[pid].get("status")),
            visibility=_int(values[pid].get("visibility")),
            links=links[pid],
            children_status=tuple(_int(values[c].get("status")) for c in children[pid]),
        )
        for e in _of(conn, "catalog_product_entity", "entity_id", ids)
    ]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
