"""Reference flattening straight from MariaDB, for reconciliation: bulk, chunked reads fed to
`flatten` and `storeview` — the same functions sync's projector calls on its mirror."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ficus_contracts.events import CategoryState, ProductState, StoreState
from ficus_legacy.core import storeview
from ficus_legacy.core.flatten import AttributeInfo, category_state, product_state
from ficus_legacy.core.sql import in_chunks, placeholders
from ficus_legacy.eav import Eav
from ficus_legacy.types import Connection, Row

CHUNK = 500


def _rows(conn: Connection, sql: str, args: Sequence[Any]) -> list[Row]:
    with conn.cursor() as cur:
        cur.execute(sql, args)
        names = [d[0] for d in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _grouped(rows: Iterable[Row], key: str) -> dict[int, list[Row]]:
    groups: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        groups[int(row[key])].append(row)
    return groups


def _all_ids(conn: Connection, table: str) -> list[int]:
    with conn.cursor() as cur:
        cur.execute(f"SELECT entity_id FROM `{table}` ORDER BY entity_id")
        return [int(r[0]) for r in cur.fetchall()]


def _in(column: str, ids: Sequence[int]) -> str:
    return f"{column} IN ({placeholders(ids)})"


class _Context:
    def __init__(self, conn: Connection, entity_type: str) -> None:
        self.eav = Eav.load(conn)
        self.etype = self.eav.catalog.entity_type(entity_type)
        self.attributes: dict[int, AttributeInfo] = {
            a.attribute_id: a for a in self.eav.catalog.of(entity_type)
        }
        self.store_ids = [v.store_id for v in self.eav.stores.active_views()]

    def values(self, conn: Connection, ids: Sequence[int]) -> dict[int, list[Row]]:
        rows = self.eav.value_rows(conn, self.etype, ids)
        return _grouped(
            ({"entity_id": e, "attribute_id": a, "store_id": s, "value": v} for e, a, s, v in rows),
            "entity_id",
        )


def product_states(
    conn: Connection, entity_ids: Iterable[int] | None = None, chunk: int = CHUNK
) -> Iterator[ProductState]:
    """Every product (or those of `entity_ids`) as `ProductState`, by entity_id."""
    ctx = _Context(conn, "catalog_product")
    ids = (
        sorted(set(entity_ids))
        if entity_ids is not None
        else _all_ids(conn, ctx.etype.entity_table)
    )
    for part in in_chunks(ids, chunk):
        yield from _product_chunk(conn, ctx, part)


def _product_chunk(conn: Connection, ctx: _Context, ids: Sequence[int]) -> Iterator[ProductState]:
    entities = ctx.eav.entity_rows(conn, ctx.etype, ids)
    values = ctx.values(conn, ids)
    websites = _grouped(
        _rows(conn, f"SELECT * FROM catalog_product_website WHERE {_in('product_id', ids)}", ids),
        "product_id",
    )
    links = _grouped(
        _rows(conn, f"SELECT * FROM catalog_category_product WHERE {_in('product_id', ids)}", ids),
        "product_id",
    )
    stock = {
        int(r["product_id"]): r
        for r in _rows(
            conn,
            f"SELECT * FROM cataloginventory_stock_item WHERE {_in('product_id', ids)}"
            " ORDER BY stock_id DESC",
            ids,
        )
    }
    supers = _grouped(
        _rows(conn, f"SELECT * FROM catalog_product_super_link WHERE {_in('parent_id', ids)}", ids),
        "parent_id",
    )
    super_attrs = _grouped(
        _rows(
            conn,
            f"SELECT * FROM catalog_product_super_attribute WHERE {_in('product_id', ids)}",
            ids,
        ),
        "product_id",
    )
    labels = _super_labels(conn, [r for rows in super_attrs.values() for r in rows])
    for entity_id in ids:
        entity = entities.get(entity_id)
        if entity is None:
            continue
        yield product_state(
            entity,
            values.get(entity_id, []),
            ctx.attributes,
            ctx.store_ids,
            website_ids=[int(r["website_id"]) for r in websites.get(entity_id, [])],
            category_links=links.get(entity_id, []),
            stock_item=stock.get(entity_id),
            super_links=supers.get(entity_id, []),
            super_attributes=super_attrs.get(entity_id, []),
            super_labels=labels.get(entity_id, []),
        )


def _super_labels(conn: Connection, supers: list[Row]) -> dict[int, list[Row]]:
    """The label rows of these super attributes, by product."""
    owner = {int(r["product_super_attribute_id"]): int(r["product_id"]) for r in supers}
    if not owner:
        return {}
    ids = sorted(owner)
    rows = _rows(
        conn,
        "SELECT * FROM catalog_product_super_attribute_label"
        f" WHERE {_in('product_super_attribute_id', ids)}",
        ids,
    )
    found: dict[int, list[Row]] = {}
    for row in rows:
        found.setdefault(owner[int(row["product_super_attribute_id"])], []).append(row)
    return found


def store_states(conn: Connection) -> dict[int, StoreState]:
    """Every store view, flattened as sync flattens its mirror's rows."""
    return storeview.store_states(
        _rows(conn, "SELECT * FROM store", ()),
        _rows(conn, "SELECT * FROM store_group", ()),
        _rows(conn, "SELECT * FROM store_website", ()),
    )


def category_states(
    conn: Connection, entity_ids: Iterable[int] | None = None, chunk: int = CHUNK
) -> Iterator[CategoryState]:
    """Every category (or those of `entity_ids`) as `CategoryState`, by entity_id."""
    ctx = _Context(conn, "catalog_category")
    ids = (
        sorted(set(entity_ids))
        if entity_ids is not None
        else _all_ids(conn, ctx.etype.entity_table)
    )
    for part in in_chunks(ids, chunk):
        entities = ctx.eav.entity_rows(conn, ctx.etype, part)
        values = ctx.values(conn, part)
        for entity_id in part:
            if entity_id in entities:
                yield category_state(
                    entities[entity_id], values.get(entity_id, []), ctx.attributes, ctx.store_ids
                )
