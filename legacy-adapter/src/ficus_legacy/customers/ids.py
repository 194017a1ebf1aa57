"""Reserve blocks of Magento entity ids, so that a customer born in a service gets its final
Magento `entity_id` at once (reverse sync keeps the block in the service's magento_id_pool).

The reservation raises the table's AUTO_INCREMENT past the block: Magento's next plain INSERT
gets an id above it. It is DDL (ALTER TABLE commits implicitly): call it on a connection with
no transaction of value open, never inside a reverse-sync write.
"""

from __future__ import annotations

import re
from typing import Final

from ficus_legacy.types import Connection

__all__ = ["RESERVABLE_TABLES", "reserve_ids"]

RESERVABLE_TABLES: Final = frozenset({"customer_entity", "customer_address_entity"})
_LOCK_TIMEOUT_S = 30
_ROUNDS = 8
_AUTO_INCREMENT = re.compile(r"\bAUTO_INCREMENT=(\d+)")


def reserve_ids(conn: Connection, table: str, size: int) -> list[int]:
    """`size` unused ids of `table` that Magento will never hand out (fewer only if Magento
    keeps inserting into every round's window, `_ROUNDS` times over). Ids of a round's
    headroom beyond `size` are skipped (never used by Magento nor by us).

    Serialised by a named lock (two reservers never get one block). Between reading the next
    AUTO_INCREMENT and raising it, Magento may insert rows: the ALTER waits for their
    transactions (metadata lock), then the ids they took are left out and another round
    reserves the shortfall.
    """
    if table not in RESERVABLE_TABLES:
        raise ValueError(f"cannot reserve ids of {table!r}")
    if size < 1:
        return []
    lock = f"ficus_reserve_ids:{table}"
    with conn.cursor() as cur:
        cur.execute("SELECT GET_LOCK(%s, %s)", (lock, _LOCK_TIMEOUT_S))
        row = cur.fetchone()
        if not row or row[0] != 1:
            raise TimeoutError(f"could not take the lock {lock!r}")
        try:
            reserved: list[int] = []
            headroom = 0
            for _ in range(_ROUNDS):
                got, taken = _reserve_round(conn, table, size - len(reserved) + headroom)
                reserved += got
                if len(reserved) >= size:
                    break
                headroom += 2 * taken  # Magento is busy: ask for more in the next round
        finally:
            cur.execute("SELECT RELEASE_LOCK(%s)", (lock,))
            conn.commit()
    return reserved[:size]


def _reserve_round(conn: Connection, table: str, size: int) -> tuple[list[int], int]:
    """Raise AUTO_INCREMENT by `size`: (the free ids of that range, how many were taken)."""
    first = _next_auto_increment(conn, table)
    last = first + size - 1
    with conn.cursor() as cur:
        cur.execute(f"ALTER TABLE `{table}` AUTO_INCREMENT = {last + 1}")
        cur.execute(f"SELECT entity_id FROM `{table}` WHERE entity_id BETWEEN %s AND %s",
                    (first, last))  # fmt: skip
        taken = {int(r[0]) for r in cur.fetchall()}
    return [i for i in range(first, last + 1) if i not in taken], len(taken)


def _next_auto_increment(conn: Connection, table: str) -> int:
    """The table's AUTO_INCREMENT counter, read exactly: SHOW CREATE TABLE asks the engine
    (information_schema.tables may serve a cached figure on MySQL 8)."""
    with conn.cursor() as cur:
        cur.execute(f"SHOW CREATE TABLE `{table}`")
        row = cur.fetchone()
    if row is None:
        raise ValueError(f"no table {table!r}")
    options = str(row[1]).rsplit(")", 1)[-1]
    found = _AUTO_INCREMENT.search(options)
    return int(found[1]) if found else 1
