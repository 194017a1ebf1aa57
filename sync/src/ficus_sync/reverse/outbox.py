"""Adapter: a service's outbox and Magento id pool in the service's Postgres database
(ficus_contracts.reverse). The reverse worker reads pending rows, acknowledges applied ones,
sleeps on the domain's NOTIFY channel and hands id blocks to the pool.

Writes by the service to one aggregate are serialized by its row lock, so their outbox ids are
in commit order per aggregate; across aggregates a later id may commit first, which is why the
worker applies every un-acknowledged row it finds (checked against the reverse log), not only
rows above a high-water mark.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row

from ficus_contracts.reverse import (
    ID_BLOCK_DDL,
    ID_POOL_TABLE,
    OUTBOX_TABLE,
    OutboxRow,
    outbox_channel,
)
from ficus_sync.errors import SourceUnavailable
from ficus_sync.reverse.status import Backlog

PgConn = psycopg.Connection[Any]
_COLUMNS = "id, aggregate, entity_id, kind, payload, base, hlc, service_version"


def connect(url: str) -> PgConn:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise SourceUnavailable(f"the service's database: {exc}") from exc


class Outbox:
    """One domain's outbox (port of the reverse worker onto the service's database)."""

    def __init__(self, conn: PgConn, domain: str) -> None:
        self.conn = conn
        self.domain = domain
        self._columns = _COLUMNS + ", NULL AS revoke_before"

    def ensure(self) -> None:
        """The worker's own bookkeeping table (`ID_BLOCK_DDL`): the service's migration
        creates it with the outbox; a database migrated before it existed gets it here. An
        outbox without `revoke_before` (a service not migrated yet) has no revocations."""
        self.conn.execute(ID_BLOCK_DDL)  # type: ignore[arg-type]
        found = self.conn.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = %s AND column_name = 'revoke_before'",
            (OUTBOX_TABLE,),
        ).fetchone()
        if found is not None:
            self._columns = _COLUMNS + ", revoke_before"

    def pending(self, limit: int = 200) -> list[OutboxRow]:
        """Un-acknowledged rows, oldest first (payload/base as JSON dicts)."""
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(
                f"SELECT {self._columns} FROM {OUTBOX_TABLE} "  # noqa: S608
                "WHERE acked_at IS NULL ORDER BY id LIMIT %s",
                (limit,),
            )
            return [OutboxRow.model_validate(row) for row in cur.fetchall()]

    def row(self, outbox_id: int) -> OutboxRow | None:
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(
                f"SELECT {self._columns} FROM {OUTBOX_TABLE} WHERE id = %s",  # noqa: S608
                (outbox_id,),
            )
            found = cur.fetchone()
        return None if found is None else OutboxRow.model_validate(found)

    def ack(self, outbox_ids: Sequence[int]) -> None:
        """Magento has these rows (the reverse log says so): the service may stop waiting."""
        if outbox_ids:
            self.conn.execute(
                f"UPDATE {OUTBOX_TABLE} SET acked_at = now() "  # noqa: S608
                "WHERE id = ANY(%s) AND acked_at IS NULL",
                (list(outbox_ids),),
            )

    def backlog(self) -> Backlog:
        row = self.conn.execute(
            f"SELECT count(*), EXTRACT(EPOCH FROM now() - min(created_at)) "  # noqa: S608
            f"FROM {OUTBOX_TABLE} WHERE acked_at IS NULL"
        ).fetchone()
        assert row is not None
        return Backlog(int(row[0]), float(row[1] or 0.0))

    def pool_size(self, table: str) -> int:
        row = self.conn.execute(
            f"SELECT count(*) FROM {ID_POOL_TABLE} WHERE entity_table = %s",  # noqa: S608
            (table,),
        ).fetchone()
        return int(row[0]) if row else 0

    def hand_block(self, block_id: int, table: str, ids: Iterable[int]) -> bool:
        """Put a reserved block of Magento ids into the pool, once: the block's id is recorded
        in the same transaction, so handing it again (after a crash) adds nothing. True when
        this call handed it."""
        with self.conn.transaction():
            fresh = self.conn.execute(
                "INSERT INTO magento_id_block (block_id) VALUES (%s) ON CONFLICT DO NOTHING",
                (block_id,),
            ).rowcount
            if fresh:
                with self.conn.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO {ID_POOL_TABLE} (entity_table, entity_id) "  # noqa: S608
                        "VALUES (%s, %s) ON CONFLICT DO NOTHING",
                        [(table, entity_id) for entity_id in ids],
                    )
        return bool(fresh)


class Wakeup:
    """LISTEN on the domain's outbox channel, on a connection of its own."""

    def __init__(self, url: str, domain: str) -> None:
        self.conn = connect(url)
        self.conn.execute(f"LISTEN {outbox_channel(domain)}")  # type: ignore[arg-type]

    def wait(self, timeout: float) -> bool:
        """Sleep until a NOTIFY or `timeout` seconds; True when notified."""
        deadline = time.monotonic() + timeout
        notified = False
        for _ in self.conn.notifies(timeout=max(0.0, deadline - time.monotonic())):
            notified = True
            break
        return notified

    def close(self) -> None:
        self.conn.close()


def probe_backlog(url: str) -> Backlog:
    """A fresh read of the outbox's backlog (its own short connection)."""
    with connect(url) as conn:
        return Outbox(conn, "").backlog()
