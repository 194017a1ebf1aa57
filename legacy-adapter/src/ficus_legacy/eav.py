"""Read and write EAV entities (products, categories, customers) as Magento does.

Reads flatten one store view: the store's own value, else the store-0 default. Static
attributes are columns of the entity table. Writes follow Magento's AbstractResource:
global attributes only at store 0; store-scoped ones at the given store; website-scoped ones at
every store view of that store's website (or at store 0 when written in the admin scope);
`None` removes the value row (for a store view: "use default"). Nothing here commits: the
caller owns the transaction.

Values are returned as the driver returns them (str, int, Decimal, datetime, None);
`ficus_legacy.core.flatten.canonical` turns them into Magento's text form.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ficus_legacy.core.sql import NOW, in_chunks, placeholders
from ficus_legacy.errors import EntityNotFound
from ficus_legacy.metadata import (
    BACKEND_TYPES,
    Attribute,
    AttributeCatalog,
    EntityType,
    Scope,
    Stores,
)
from ficus_legacy.types import Connection, Row

ValueRow = tuple[int, int, int, Any]  # entity_id, attribute_id, store_id, value


class Eav:
    """EAV access for one install: holds its attribute catalog and store metadata."""

    def __init__(self, catalog: AttributeCatalog, stores: Stores) -> None:
        self.catalog = catalog
        self.stores = stores

    @classmethod
    def load(cls, conn: Connection) -> Eav:
        """Read the attribute catalog and stores from `conn`."""
        return cls(AttributeCatalog.load(conn), Stores.load(conn))

    # -- reads ---------------------------------------------------------------------------

    def read(self, conn: Connection, entity_type: str, entity_id: int, store_id: int = 0) -> Row:
        """One entity as a flat record for `store_id`; raises EntityNotFound."""
        found = self.read_many(conn, entity_type, [entity_id], store_id)
        if entity_id not in found:
            raise EntityNotFound(entity_type, entity_id)
        return found[entity_id]

    def read_many(
        self, conn: Connection, entity_type: str, entity_ids: Iterable[int], store_id: int = 0
    ) -> dict[int, Row]:
        """Many entities as flat records for `store_id`, in 1 + 5 queries per 1000 ids."""
        etype = self.catalog.entity_type(entity_type)
        ids = sorted(set(entity_ids))
        records = self.entity_rows(conn, etype, ids)
        stores = (0, store_id) if etype.store_scoped else (0,)
        for entity_id, attribute_id, row_store, value in self.value_rows(conn, etype, ids, stores):
            record = records.get(entity_id)
            code = self.catalog.by_id(attribute_id).code
            if record is not None and (row_store == store_id or code not in record):
                record[code] = value
        return records

    def entity_rows(
        self, conn: Connection, etype: EntityType, ids: Sequence[int]
    ) -> dict[int, Row]:
        """The entity table's rows (static attributes) by entity_id."""
        out: dict[int, Row] = {}
        for chunk in in_chunks(ids):
            with conn.cursor() as cur:
                cur.execute(
                    f"SELECT * FROM `{etype.entity_table}` WHERE entity_id IN"
                    f" ({placeholders(chunk)})",
                    chunk,
                )
                names = [d[0] for d in cur.description or ()]
                for row in cur.fetchall():
                    record = dict(zip(names, row, strict=True))
                    out[int(record["entity_id"])] = record
        return out

    def value_rows(
        self,
        conn: Connection,
        etype: EntityType,
        ids: Sequence[int],
        store_ids: Sequence[int] | None = None,
    ) -> list[ValueRow]:
        """Raw value rows of the 5 backend tables, store-0 rows first; all stores if None."""
        rows: list[ValueRow] = []
        store_col = "store_id" if etype.store_scoped else "0"
        for backend in BACKEND_TYPES:
            for chunk in in_chunks(ids):
                sql = (
                    f"SELECT entity_id, attribute_id, {store_col}, value"
                    f" FROM `{etype.entity_table}_{backend}`"
                    f" WHERE entity_id IN ({placeholders(chunk)})"
                )
                args: list[int] = list(chunk)
                if store_ids is not None and etype.store_scoped:
                    sql += f" AND store_id IN ({placeholders(store_ids)})"
                    args += list(store_ids)
                with conn.cursor() as cur:
                    cur.execute(sql, args)
                    rows.extend((int(e), int(a), int(s), v) for e, a, s, v in cur.fetchall())
        rows.sort(key=lambda r: r[2])
        return rows

    # -- writes --------------------------------------------------------------------------

    @property
    def single_store(self) -> bool:
        """Magento's hasSingleStore(): with one store view, every value is saved at store 0."""
        return len([v for v in self.stores.views if v.store_id != 0]) <= 1

    def target_stores(self, attribute: Attribute, store_id: int) -> list[int]:
        """The store ids a value written for `store_id` lands in (Magento's scope rules)."""
        if not attribute.entity_type.store_scoped or store_id == 0 or self.single_store:
            return [0]
        if attribute.scope is Scope.GLOBAL:
            return [0]
        if attribute.scope is Scope.WEBSITE:
            website = self.stores.website_of(store_id)
            return [v.store_id for v in self.stores.views_of_website(website)]
        return [store_id]

    def write(
        self,
        conn: Connection,
        entity_type: str,
        entity_id: int,
        values: Mapping[str, Any],
        store_id: int = 0,
        *,
        touch: bool = False,
    ) -> None:
        """Write attribute values of one entity for `store_id`; `None` deletes the value.

        `touch` also sets the entity's updated_at to now, as a Magento save does.
        """
        etype = self.catalog.entity_type(entity_type)
        static: dict[str, Any] = {}
        upserts: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        deletes: dict[str, list[tuple[int, int]]] = defaultdict(list)
        defaults: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for code, value in values.items():
            attribute = self.catalog.get(entity_type, code)
            if attribute.is_static:
                static[code] = value
                continue
            targets = self.target_stores(attribute, store_id)
            for target in targets:
                key = (attribute.attribute_id, target)
                if value is None:
                    deletes[attribute.value_table].append(key)
                else:
                    upserts[attribute.value_table].append((*key, entity_id, value))
            if value is not None and attribute.is_required and targets != [0]:
                # Magento's _insertAttribute: a required value also gets a default if missing
                defaults[attribute.value_table].append(
                    (attribute.attribute_id, 0, entity_id, value)
                )
        if static or touch:
            stamp = {"updated_at": NOW} if touch and "updated_at" not in static else {}
            self.update_static(conn, etype, entity_id, {**static, **stamp})
        for table, keys in deletes.items():
            self._delete_values(conn, etype, table, entity_id, keys)
        for table, rows in defaults.items():
            self._upsert_values(conn, etype, table, rows, keep_existing=True)
        for table, rows in upserts.items():
            self._upsert_values(conn, etype, table, rows)

    def remove_overrides(
        self,
        conn: Connection,
        entity_type: str,
        entity_id: int,
        codes: Iterable[str],
        store_id: int,
    ) -> None:
        """Drop the store-level values of `codes` so the store view falls back to the default.

        Attributes whose values live only at store 0 (global, single-store mode) are left alone.
        """
        overridable = [
            code
            for code in codes
            if 0 not in self.target_stores(self.catalog.get(entity_type, code), store_id)
        ]
        if overridable:
            self.write(conn, entity_type, entity_id, dict.fromkeys(overridable), store_id)

    def update_static(
        self, conn: Connection, etype: EntityType, entity_id: int, values: Mapping[str, Any]
    ) -> None:
        """UPDATE the entity table's own columns."""
        assignments = ", ".join(
            f"`{name}` = CURRENT_TIMESTAMP" if value is NOW else f"`{name}` = %s"
            for name, value in values.items()
        )
        args = [value for value in values.values() if value is not NOW]
        with conn.cursor() as cur:
            cur.execute(
                f"UPDATE `{etype.entity_table}` SET {assignments} WHERE entity_id = %s",
                [*args, entity_id],
            )

    def create(
        self,
        conn: Connection,
        entity_type: str,
        static: Mapping[str, Any],
        values: Mapping[str, Any],
        store_id: int = 0,
    ) -> int:
        """INSERT the entity row, then write `values`; returns the new entity_id."""
        etype = self.catalog.entity_type(entity_type)
        names = ", ".join(f"`{name}`" for name in static)
        with conn.cursor() as cur:
            cur.execute(
                f"INSERT INTO `{etype.entity_table}` ({names}) VALUES"
                f" ({placeholders(list(static))})",
                list(static.values()),
            )
            entity_id = int(cur.lastrowid)
        self.write(conn, entity_type, entity_id, {k: v for k, v in values.items()}, store_id)
        return entity_id

    def delete(self, conn: Connection, entity_type: str, entity_id: int) -> bool:
        """DELETE the entity row; value rows and links go with it (ON DELETE CASCADE)."""
        etype = self.catalog.entity_type(entity_type)
        with conn.cursor() as cur:
            return bool(
                cur.execute(
                    f"DELETE FROM `{etype.entity_table}` WHERE entity_id = %s", (entity_id,)
                )
            )

    def _delete_values(
        self,
        conn: Connection,
        etype: EntityType,
        table: str,
        entity_id: int,
        keys: list[tuple[int, int]],
    ) -> None:
        with conn.cursor() as cur:
            for attribute_id, store in keys:
                where = "entity_id = %s AND attribute_id = %s"
                args: list[int] = [entity_id, attribute_id]
                if etype.store_scoped:
                    where += " AND store_id = %s"
                    args.append(store)
                cur.execute(f"DELETE FROM `{table}` WHERE {where}", args)

    def _upsert_values(
        self,
        conn: Connection,
        etype: EntityType,
        table: str,
        rows: list[tuple[Any, ...]],
        keep_existing: bool = False,
    ) -> None:
        update = "value = value" if keep_existing else "value = VALUES(value)"
        if etype.store_scoped:
            sql = (
                f"INSERT INTO `{table}` (attribute_id, store_id, entity_id, value)"
                f" VALUES (%s,%s,%s,%s) ON DUPLICATE KEY UPDATE {update}"
            )
            args = rows
        else:
            sql = (
                f"INSERT INTO `{table}` (attribute_id, entity_id, value)"
                f" VALUES (%s,%s,%s) ON DUPLICATE KEY UPDATE {update}"
            )
            args = [(a, e, v) for a, _, e, v in rows]
        with conn.cursor() as cur:
            cur.executemany(sql, args)
