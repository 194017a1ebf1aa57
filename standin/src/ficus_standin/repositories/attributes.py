"""EAV values of a few attributes for some entities, seen from one store view (thin helper)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ficus_standin.db import Connection, dict_cursor

PRODUCT, CATEGORY = 4, 3
_PREFIX = {PRODUCT: "catalog_product_entity", CATEGORY: "catalog_category_entity"}


def attribute_meta(
    conn: Connection, entity_type_id: int, codes: list[str]
) -> dict[str, dict[str, Any]]:
    """`code → {attribute_id, backend_type}` for the codes that exist."""
    marks = ", ".join(["%s"] * len(codes))
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT attribute_id, attribute_code, backend_type FROM eav_attribute"
            f" WHERE entity_type_id = %s AND attribute_code IN ({marks})",
            [entity_type_id, *codes],
        )
        return {row["attribute_code"]: row for row in cur.fetchall()}


def values(
    conn: Connection, entity_type_id: int, entity_ids: list[int], codes: list[str], store_id: int
) -> dict[int, dict[str, Any]]:
    """`entity_id → {code: value}`, the store's value else the store-0 default."""
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    if not entity_ids:
        return out
    meta = attribute_meta(conn, entity_type_id, codes)
    by_backend: dict[str, dict[int, str]] = defaultdict(dict)
    for code, row in meta.items():
        if row["backend_type"] != "static":
            by_backend[row["backend_type"]][row["attribute_id"]] = code
    ids = ", ".join(["%s"] * len(entity_ids))
    for backend, attrs in by_backend.items():
        table = f"{_PREFIX[entity_type_id]}_{backend}"
        attr_marks = ", ".join(["%s"] * len(attrs))
        with dict_cursor(conn) as cur:
            cur.execute(
                f"SELECT entity_id, attribute_id, store_id, value FROM {table}"
                f" WHERE entity_id IN ({ids}) AND attribute_id IN ({attr_marks})"
                " AND store_id IN (0, %s) ORDER BY store_id",
                [*entity_ids, *attrs, store_id],
            )
            for row in cur.fetchall():
                out[row["entity_id"]][attrs[row["attribute_id"]]] = row["value"]
    return out
