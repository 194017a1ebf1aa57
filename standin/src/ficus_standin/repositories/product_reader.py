"""Products as `ProductState`, read with few round trips and the app's cached EAV metadata.

The same rows `ficus_legacy.reference.product_states` reads, fed to the same
`ficus_legacy.core.flatten.product_state`, so the state is identical; what differs is the I/O: the
attribute catalog is not reloaded per request, and the link tables (integer columns only) come in
one UNION ALL. The value tables are read one by one (`Eav.value_rows`): a UNION over them needs
an on-disk temporary table (mediumtext), and MariaDB 10.11 crashed creating those under load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from ficus_contracts.events import ProductState
from ficus_legacy.core.flatten import product_state
from ficus_legacy.eav import Eav
from ficus_standin.db import Connection, dict_cursor

Row = dict[str, Any]


def _rows(conn: Connection, sql: str, args: Sequence[Any]) -> list[Row]:
    with dict_cursor(conn) as cur:
        cur.execute(sql, args)
        return [dict(r) for r in cur.fetchall()]


def _grouped(rows: list[Row], key: str) -> dict[int, list[Row]]:
    groups: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        groups[int(row[key])].append(row)
    return groups


_LINKS = (
    "SELECT 'website' AS kind, product_id AS id, website_id AS a, 0 AS b, 0 AS c"
    " FROM catalog_product_website WHERE product_id IN ({m})"
    " UNION ALL SELECT 'category', product_id, category_id, position, 0"
    " FROM catalog_category_product WHERE product_id IN ({m})"
    " UNION ALL SELECT 'child', parent_id, product_id, 0, 0"
    " FROM catalog_product_super_link WHERE parent_id IN ({m})"
    " UNION ALL SELECT 'super', product_id, attribute_id, position, product_super_attribute_id"
    " FROM catalog_product_super_attribute WHERE product_id IN ({m})"
)
_SHAPES = {
    "website": ("website_id", "_"),
    "category": ("category_id", "position"),
    "child": ("product_id", "_"),
    "super": ("attribute_id", "position"),
}


def _links(conn: Connection, ids: list[int], marks: str) -> dict[str, dict[int, list[Row]]]:
    """Websites, category links, configurable children and super attributes in one query,
    as the rows of their own tables (the shapes `flatten.product_state` reads)."""
    out: dict[str, dict[int, list[Row]]] = {kind: defaultdict(list) for kind in _SHAPES}
    for row in _rows(conn, _LINKS.format(m=marks), ids * 4):
        a_name, b_name = _SHAPES[row["kind"]]
        shaped: Row = {a_name: row["a"], b_name: row["b"]}
        if row["kind"] == "child":
            shaped["parent_id"] = row["id"]
        if row["kind"] == "super":
            shaped["product_super_attribute_id"] = row["c"]
        out[row["kind"]][int(row["id"])].append(shaped)
    return out


def states(conn: Connection, eav: Eav, entities: list[Row]) -> list[ProductState]:
    """States of the given catalog_product_entity rows, in their order."""
    if not entities:
        return []
    ids = [int(e["entity_id"]) for e in entities]
    marks = ", ".join(["%s"] * len(ids))
    etype = eav.catalog.entity_type("catalog_product")
    values = _grouped(
        [
            {"entity_id": e, "attribute_id": a, "store_id": s, "value": v}
            for e, a, s, v in eav.value_rows(conn, etype, ids)
        ],
        "entity_id",
    )
    links = _links(conn, ids, marks)
    stock = {
        int(r["product_id"]): r
        for r in _rows(
            conn,
            f"SELECT * FROM cataloginventory_stock_item WHERE product_id IN ({marks})"
            " ORDER BY stock_id DESC",
            ids,
        )
    }
    websites, categories = links["website"], links["category"]
    supers, super_attrs = links["child"], links["super"]
    labels = _super_labels(conn, super_attrs)
    attributes = {a.attribute_id: a for a in eav.catalog.of("catalog_product")}
    store_ids = [v.store_id for v in eav.stores.active_views()]
    return [
        product_state(
            entity, values.get(i, []), attributes, store_ids,
            website_ids=[int(r["website_id"]) for r in websites.get(i, [])],
            category_links=categories.get(i, []), stock_item=stock.get(i),
            super_links=supers.get(i, []), super_attributes=super_attrs.get(i, []),
            super_labels=labels.get(i, []),
        )
        for i, entity in zip(ids, entities, strict=True)
    ]  # fmt: skip


def _super_labels(conn: Connection, supers: dict[int, list[Row]]) -> dict[int, list[Row]]:
    """The products' super attribute label rows, by product."""
    owner = {int(r["product_super_attribute_id"]): p for p, rows in supers.items() for r in rows}
    if not owner:
        return {}
    marks = ", ".join(["%s"] * len(owner))
    found: dict[int, list[Row]] = defaultdict(list)
    for row in _rows(
        conn,
        "SELECT * FROM catalog_product_super_attribute_label"
        f" WHERE product_super_attribute_id IN ({marks})",
        sorted(owner),
    ):
        found[owner[int(row["product_super_attribute_id"])]].append(row)
    return found


def by_sku(conn: Connection, eav: Eav, sku: str) -> ProductState | None:
    entities = _rows(
        conn,
        "SELECT * FROM catalog_product_entity WHERE sku = %s ORDER BY entity_id LIMIT 1",
        [sku],
    )
    found = states(conn, eav, entities)
    return found[0] if found else None


def by_ids(conn: Connection, eav: Eav, ids: list[int]) -> list[ProductState]:
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    rows = {
        int(r["entity_id"]): r
        for r in _rows(
            conn, f"SELECT * FROM catalog_product_entity WHERE entity_id IN ({marks})", ids
        )
    }
    return states(conn, eav, [rows[i] for i in ids if i in rows])
