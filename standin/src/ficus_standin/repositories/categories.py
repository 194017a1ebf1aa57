"""Categories: the tree (`GET /V1/categories`) and one category (`GET /V1/categories/{id}`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ficus_legacy.core.webapi_errors import NoSuchEntity
from ficus_legacy.eav import Eav
from ficus_legacy.errors import EntityNotFound
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.repositories import attributes
from ficus_standin.stores import Store

COLUMNS = frozenset(
    [
        "entity_id",
        "attribute_set_id",
        "parent_id",
        "created_at",
        "updated_at",
        "path",
        "position",
        "level",
        "children_count",
    ]
)
_STATIC = COLUMNS | {"name", "is_active", "include_in_menu"}  # not custom_attributes


def _text(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else str(value)


def _root(conn: Connection, store: Store) -> int:
    if store.is_admin:
        return 1
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT root_category_id FROM store_group WHERE group_id = %s", (store.group_id,)
        )
        row = cur.fetchone()
    return int(row["root_category_id"]) if row else 1


def tree(conn: Connection, store: Store, root_id: int | None, depth: int | None) -> dict[str, Any]:
    root_id = root_id if root_id is not None else _root(conn, store)
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT path, level FROM catalog_category_entity WHERE entity_id = %s", (root_id,)
        )
        root = cur.fetchone()
        if root is None:
            raise NoSuchEntity.field("id", root_id)
        max_level = root["level"] + depth if depth is not None else 1 << 30
        cur.execute(
            "SELECT e.entity_id, e.parent_id, e.position, e.level,"
            " (SELECT COUNT(*) FROM catalog_category_product p"
            "  WHERE p.category_id = e.entity_id) AS n"
            " FROM catalog_category_entity e"
            " WHERE (e.entity_id = %s OR e.path LIKE %s) AND e.level <= %s"
            " ORDER BY e.level, e.position, e.entity_id",
            (root_id, f"{root['path']}/%", max_level),
        )
        rows = list(cur.fetchall())
    ids = [r["entity_id"] for r in rows]
    values = attributes.values(
        conn, attributes.CATEGORY, ids, ["name", "is_active"], store.store_id
    )
    children: dict[int, list[dict[str, Any]]] = defaultdict(list)
    nodes = {}
    for row in rows:
        v = values[row["entity_id"]]
        node = {
            "id": row["entity_id"],
            "parent_id": row["parent_id"],
            "name": v.get("name"),
            "is_active": str(v.get("is_active", "1")) == "1",
            "position": row["position"],
            "level": row["level"],
            "product_count": int(row["n"]),
            "children_data": children[row["entity_id"]],
        }
        nodes[row["entity_id"]] = node
        if row["entity_id"] != root_id:
            children[row["parent_id"]].append(node)
    return nodes[root_id]


def get(conn: Connection, eav: Eav, store: Store, category_id: int) -> dict[str, Any]:
    try:
        record = eav.read(conn, "catalog_category", category_id, store.store_id)
    except EntityNotFound:
        raise NoSuchEntity.field("id", category_id) from None
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT entity_id FROM catalog_category_entity WHERE parent_id = %s"
            " ORDER BY position, entity_id",
            (category_id,),
        )
        kids = ",".join(str(r["entity_id"]) for r in cur.fetchall())
    custom = [
        {"attribute_code": code, "value": _text(value)}
        for code, value in sorted(record.items())
        if code not in _STATIC and value is not None
    ]
    return {
        "id": record["entity_id"],
        "parent_id": record["parent_id"],
        "name": record.get("name"),
        "is_active": str(record.get("is_active", "1")) == "1",
        "position": record["position"],
        "level": record["level"],
        "children": kids,
        "created_at": _text(record["created_at"]),
        "updated_at": _text(record["updated_at"]),
        "path": record["path"],
        "include_in_menu": str(record.get("include_in_menu", "1")) == "1",
        "custom_attributes": custom,
    }
