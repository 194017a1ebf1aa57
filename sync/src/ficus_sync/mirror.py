"""The mirror: Postgres copies of the captured Magento tables, kept by applying change events.

A batch is compressed to the last change per primary key (every event carries the full row),
then upserts run, then deletes, each delete followed by the cascades InnoDB applied without
binlogging them. The result says which aggregates the batch touched (address EAV rows resolved
to their customer through the mirrored `customer_address_entity`). In the same transaction the
batch's reverse-sync markers become expected echoes (`core/echo.py`, table `echo_expectation`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row

from ficus_sync import database
from ficus_sync.core.echo import plan_echoes
from ficus_sync.core.envelope import ChangeEvent, Op, Row, Value
from ficus_sync.core.shape import ForeignKey, TableShape, create_ddl, lookup_index_ddl, qualified
from ficus_sync.core.tables import LOOKUP_COLUMNS, is_captured
from ficus_sync.core.touches import TouchSet as TouchSet  # re-exported: the mirror's result
from ficus_sync.errors import MirrorError

PgConn = psycopg.Connection[Any]
Key = tuple[Value, ...]


class Mirror:
    """Applies change events to the mirror tables of the given shapes."""

    def __init__(self, shapes: dict[str, TableShape], foreign_keys: Sequence[ForeignKey]) -> None:
        self.shapes = dict(shapes)
        self.foreign_keys = list(foreign_keys)

    def ensure(self, conn: PgConn) -> None:
        """Create or widen every mirror table (idempotent)."""
        for shape in self.shapes.values():
            self.ensure_table(conn, shape)

    def ensure_table(self, conn: PgConn, shape: TableShape) -> None:
        self.shapes[shape.name] = shape
        for statement in create_ddl(shape):
            conn.execute(statement)  # type: ignore[arg-type]
        column = LOOKUP_COLUMNS.get(shape.name)
        if column and column not in shape.primary_key[:1]:
            conn.execute(lookup_index_ddl(shape.name, column))  # type: ignore[arg-type]

    def unknown_columns(self, event: ChangeEvent) -> bool:
        """True when the event's table needs its shape (re)read: new columns, or a captured
        table created after sync started (e.g. `ficus_reverse_log`)."""
        shape = self.shapes.get(event.table)
        if shape is None:
            return is_captured(event.table)
        return not set(event.row).issubset(shape.column_names)

    def apply(self, conn: PgConn, events: Sequence[ChangeEvent]) -> TouchSet:
        touches = self._apply_rows(conn, events)
        parents = self._address_parents(conn, touches.addresses)
        touches.resolve(parents)
        touches.resolve_tokens(self._link_tokens(conn, touches))
        touches.resolve_roles(self._role_users(conn, touches.roles))
        touches.resolve_options(self._option_products(conn, touches.options))
        plan = plan_echoes(events, parents)
        if plan:
            database.store_echoes(conn, plan)
        return touches

    def _address_parents(self, conn: PgConn, addresses: set[int]) -> dict[int, int]:
        if not addresses or "customer_address_entity" not in self.shapes:
            return {}
        rows = conn.execute(
            f"SELECT entity_id, parent_id FROM {qualified('customer_address_entity')} "  # type: ignore[arg-type]
            "WHERE entity_id = ANY(%s) AND parent_id IS NOT NULL",
            (sorted(addresses),),
        ).fetchall()
        return {int(r[0]): int(r[1]) for r in rows}

    def _option_products(self, conn: PgConn, options: set[int]) -> list[int]:
        """The products of the super attributes (`catalog_product_super_attribute` rows)."""
        if not options or "catalog_product_super_attribute" not in self.shapes:
            return []
        rows = conn.execute(
            f"SELECT DISTINCT product_id FROM {qualified('catalog_product_super_attribute')} "  # type: ignore[arg-type]
            "WHERE product_super_attribute_id = ANY(%s)",
            (sorted(options),),
        ).fetchall()
        return [int(r[0]) for r in rows if r[0] is not None]

    def _role_users(self, conn: PgConn, roles: set[int]) -> list[int]:
        """The admin users whose 'U' row names one of `roles` as its group (a role gone keeps
        its users' rows: they become `deleted`)."""
        if not roles or "authorization_role" not in self.shapes:
            return []
        rows = conn.execute(
            f"SELECT DISTINCT user_id FROM {qualified('authorization_role')} "  # type: ignore[arg-type]
            "WHERE parent_id = ANY(%s) AND role_type = 'U' AND user_type = '2'",
            (sorted(roles),),
        ).fetchall()
        return [int(r[0]) for r in rows if r[0]]

    def _link_tokens(self, conn: PgConn, touches: TouchSet) -> list[int]:
        """The `oauth_token` rows the touches reach: a consumer's, an integration's (through
        its consumer), those of the integration whose own 'U' role is a touched role, or all
        of them (the bearer flag)."""
        tables = ("oauth_token", "integration", "authorization_role")
        if not (touches.token_links or touches.roles) or not all(t in self.shapes for t in tables):
            return []
        links = {
            kind: sorted(i for k, i in touches.token_links if k == kind)
            for kind, _ in touches.token_links
        }
        rows = conn.execute(
            f"SELECT DISTINCT t.entity_id FROM {qualified('oauth_token')} t "  # type: ignore[arg-type]
            f"LEFT JOIN {qualified('integration')} i ON i.consumer_id = t.consumer_id "
            f"LEFT JOIN {qualified('authorization_role')} r ON r.role_type = 'U' "
            "AND r.user_type = '1' AND r.user_id = i.integration_id "
            "WHERE %s OR t.consumer_id = ANY(%s) OR i.integration_id = ANY(%s) "
            "OR r.role_id = ANY(%s)",
            (
                "core_config_data" in links,
                links.get("oauth_consumer", []),
                links.get("integration", []),
                sorted(touches.roles),
            ),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def _apply_rows(self, conn: PgConn, events: Sequence[ChangeEvent]) -> TouchSet:
        touches = TouchSet()
        segment: list[ChangeEvent] = []
        for event in events:
            if event.op is Op.TRUNCATE:
                touches.merge(self._apply_segment(conn, segment))
                segment = []
                touches.merge(self._truncate(conn, event.table))
            elif event.table in self.shapes:
                segment.append(event)
        touches.merge(self._apply_segment(conn, segment))
        return touches

    def _apply_segment(self, conn: PgConn, events: Sequence[ChangeEvent]) -> TouchSet:
        touches = TouchSet()
        last: dict[tuple[str, Key], Row | None] = {}
        gone: dict[tuple[str, Key], Row] = {}  # the last image of each deleted row
        for event in events:
            touches.add_row(event.table, event.before)
            touches.add_row(event.table, event.after)
            for key, image in self._effects(event):
                last.pop(key, None)
                last[key] = image
                if image is None and event.before is not None:
                    gone[key] = event.before
        upserts: dict[str, list[Row]] = {}
        deletes: dict[str, list[tuple[Key, Row | None]]] = {}
        for (table, row_key), image in last.items():
            if image is None:
                deletes.setdefault(table, []).append((row_key, gone.get((table, row_key))))
            else:
                upserts.setdefault(table, []).append(image)
        for table, rows in upserts.items():
            self._upsert(conn, table, rows)
        for table, doomed in deletes.items():
            touches.merge(self._delete(conn, table, doomed))
        return touches

    def _effects(self, event: ChangeEvent) -> list[tuple[tuple[str, Key], Row | None]]:
        shape = self.shapes[event.table]
        if event.op is Op.DELETE:
            return [((event.table, self._key(shape, event.before)), None)]
        new_key = (event.table, self._key(shape, event.after))
        if event.op is Op.UPDATE and event.before is not None:
            old_key = (event.table, self._key(shape, event.before))
            if old_key != new_key:
                return [(old_key, None), (new_key, event.after)]
        return [(new_key, event.after)]

    @staticmethod
    def _key(shape: TableShape, row: Row | None) -> Key:
        if row is None:
            raise MirrorError(f"{shape.name}: event without the row image it needs")
        try:
            return tuple(row[c] for c in shape.primary_key)
        except KeyError as exc:
            raise MirrorError(f"{shape.name}: row lacks primary key column {exc}") from exc

    def _upsert(self, conn: PgConn, table: str, rows: list[Row]) -> None:
        by_columns: dict[tuple[str, ...], list[Row]] = {}
        for row in rows:
            by_columns.setdefault(tuple(row), []).append(row)
        shape = self.shapes[table]
        for columns, group in by_columns.items():
            if len(group) == 1:
                conn.execute(upsert_sql(shape, columns), [group[0][c] for c in columns])  # type: ignore[arg-type]
            else:  # one statement for the whole group: arrays per column, unnested
                arrays = [[r[c] for r in group] for c in columns]
                conn.execute(bulk_upsert_sql(shape, columns), arrays)  # type: ignore[arg-type]

    def _delete(self, conn: PgConn, table: str, doomed: list[tuple[Key, Row | None]]) -> TouchSet:
        """Delete rows by key (one statement), then replay InnoDB's cascades (which the binlog
        omits). A row inserted and deleted within one batch never reached the mirror, yet rows
        inserted in that batch may reference it: its last image from the binlog drives the
        cascade then."""
        shape = self.shapes[table]
        found = _delete_matching(conn, shape, shape.primary_key, [k for k, _ in doomed], "DELETE")
        gone = {i for i, _ in found}
        removed = [row for _, row in found]
        removed += [image for i, (_, image) in enumerate(doomed) if i not in gone and image]
        touches = TouchSet()
        for row in removed:
            touches.add_row(table, row)
        touches.merge(self._cascade(conn, table, removed))
        return touches

    def _cascade(self, conn: PgConn, parent: str, removed: Iterable[Row]) -> TouchSet:
        touches = TouchSet()
        rows = list(removed)
        if not rows:
            return touches
        for fk in self.foreign_keys:
            if fk.parent != parent or fk.child not in self.shapes:
                continue
            values = [tuple(r.get(c) for c in fk.parent_columns) for r in rows]
            affected = self._cascade_one(conn, fk, values)
            for row in affected:
                touches.add_row(fk.child, row)
            if fk.rule == "CASCADE":
                touches.merge(self._cascade(conn, fk.child, affected))
        return touches

    def _cascade_one(self, conn: PgConn, fk: ForeignKey, values: list[Key]) -> list[Row]:
        rule = "DELETE" if fk.rule == "CASCADE" else "SET NULL"
        distinct = sorted(set(values), key=repr)
        found = _delete_matching(conn, self.shapes[fk.child], fk.columns, distinct, rule)
        return [row for _, row in found]

    def _truncate(self, conn: PgConn, table: str) -> TouchSet:
        touches = TouchSet()
        if table not in self.shapes:
            return touches
        with conn.cursor(row_factory=dict_row) as cur:
            cur.execute(f"DELETE FROM {qualified(table)} RETURNING *")  # type: ignore[arg-type]
            removed = cur.fetchall()
        for row in removed:
            touches.add_row(table, row)
        touches.merge(self._cascade(conn, table, removed))
        return touches


def _delete_matching(
    conn: PgConn, shape: TableShape, columns: Sequence[str], keys: Sequence[Key], rule: str
) -> list[tuple[int, Row]]:
    """One statement for all `keys`: DELETE the rows whose `columns` equal a key (rule
    "DELETE"), or set those columns to NULL ("SET NULL"); returns (index of the key, the row
    as it was deleted or as it is now) for every row it changed."""
    if not keys:
        return []
    arrays = ", ".join(f"%s::{_pg_type(shape, c)}[]" for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    match = " AND ".join(f't."{c}" = d."{c}"' for c in columns)
    keyed = f"unnest({arrays}) WITH ORDINALITY AS d({names}, ficus_key)"
    if rule == "DELETE":
        sql = f"DELETE FROM {qualified(shape.name)} t USING {keyed} WHERE {match}"
    else:
        nulls = ", ".join(f'"{c}" = NULL' for c in columns)
        sql = f"UPDATE {qualified(shape.name)} t SET {nulls} FROM {keyed} WHERE {match}"
    params = [[key[i] for key in keys] for i in range(len(columns))]
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"{sql} RETURNING d.ficus_key, t.*", params)  # type: ignore[arg-type]
        rows = cur.fetchall()
    return [(int(row.pop("ficus_key")) - 1, row) for row in rows]


def upsert_sql(shape: TableShape, columns: Sequence[str]) -> str:
    params = ", ".join("%s" for _ in columns)
    return _upsert(shape, columns, f"VALUES ({params})")


def bulk_upsert_sql(shape: TableShape, columns: Sequence[str]) -> str:
    """Upsert of many rows passed as one array per column (keys must be distinct)."""
    arrays = ", ".join(f"%s::{_pg_type(shape, c)}[]" for c in columns)
    return _upsert(shape, columns, f"SELECT * FROM unnest({arrays})")


def _pg_type(shape: TableShape, name: str) -> str:
    column = shape.column(name)
    return column.pg_type if column is not None else "text"


def _upsert(shape: TableShape, columns: Sequence[str], source: str) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    key = ", ".join(f'"{c}"' for c in shape.primary_key)
    rest = [c for c in columns if c not in shape.primary_key]
    action = (
        "DO UPDATE SET " + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in rest)
        if rest
        else "DO NOTHING"
    )
    return f"INSERT INTO {qualified(shape.name)} ({names}) {source} ON CONFLICT ({key}) {action}"
