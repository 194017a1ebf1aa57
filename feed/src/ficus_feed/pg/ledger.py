"""The consumer's bookkeeping in the service's own database: its checkpoint (locked
`FOR UPDATE` for the whole batch, so two replicas never apply one batch) and its dead letters.
Table names and the two shapes in use are parameters, so each service keeps its tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from ficus_feed.core import json_safe
from ficus_feed.errors import CheckpointMoved

Conn = psycopg.Connection[Any]


@dataclass(frozen=True)
class DeadLetterTable:
    """`(id, [consumer,] seq, aggregate, <key>, version, event, error, created_at)`: the
    catalog's table names the consumer and the aggregate's uuid; search's, the entity id."""

    name: str = "dead_letter"
    consumer_column: bool = True
    key_column: Literal["aggregate_id", "entity_id"] = "aggregate_id"


@dataclass(frozen=True)
class Ledger:
    """Checkpoint row `(consumer, last_seq, updated_at)` in `checkpoints`, and dead letters."""

    consumer: str
    checkpoints: str = "consumer_checkpoint"
    dead_letters: DeadLetterTable = field(default_factory=DeadLetterTable)

    def checkpoint(self, conn: Conn) -> int:
        query = sql.SQL("SELECT last_seq FROM {} WHERE consumer = %s")
        row = _one(conn, query.format(sql.Identifier(self.checkpoints)), (self.consumer,))
        return 0 if row is None else int(row["last_seq"])

    def lock(self, conn: Conn, expected: int) -> None:
        """Lock the checkpoint row until the transaction ends; it must still be `expected`."""
        table = sql.Identifier(self.checkpoints)
        insert = "INSERT INTO {} (consumer, last_seq) VALUES (%s, 0) ON CONFLICT DO NOTHING"
        conn.execute(sql.SQL(insert).format(table), (self.consumer,))
        select = sql.SQL("SELECT last_seq FROM {} WHERE consumer = %s FOR UPDATE")
        row = _one(conn, select.format(table), (self.consumer,))
        current = 0 if row is None else int(row["last_seq"])
        if current != expected:
            raise CheckpointMoved(f"checkpoint is {current}, expected {expected}")

    def save(self, conn: Conn, seq: int) -> None:
        upsert = sql.SQL(
            "INSERT INTO {} (consumer, last_seq) VALUES (%s, %s) ON CONFLICT (consumer) "
            "DO UPDATE SET last_seq = EXCLUDED.last_seq, updated_at = now()"
        )
        conn.execute(upsert.format(sql.Identifier(self.checkpoints)), (self.consumer, seq))

    def dead_letter(self, conn: Conn, row: dict[str, Any], error: str) -> None:
        values = self._letter_values(row, error)
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(self.dead_letters.name),
            sql.SQL(", ").join(map(sql.Identifier, values)),
            sql.SQL(", ").join(sql.Placeholder() * len(values)),
        )
        conn.execute(query, list(values.values()))

    def _letter_values(self, row: dict[str, Any], error: str) -> dict[str, Any]:
        key = self.dead_letters.key_column
        owner = {"consumer": self.consumer} if self.dead_letters.consumer_column else {}
        return {
            **owner,
            "seq": int(row["seq"]),
            "aggregate": row.get("aggregate"),
            key: _key(row.get(key), as_text=key == "aggregate_id"),
            "version": _integer(row.get("version")),
            "event": Jsonb(json_safe(row)),
            "error": error,
        }

    def letters(self, conn: Conn, limit: int) -> list[dict[str, Any]]:
        query = sql.SQL("SELECT * FROM {} ORDER BY id LIMIT %s")
        table = sql.Identifier(self.dead_letters.name)
        return _all(conn, query.format(table), (limit,))

    def letter_ids(self, conn: Conn, ids: list[int] | None) -> list[int]:
        """Ids of the dead letters (only those in `ids` when given), oldest first."""
        table = sql.Identifier(self.dead_letters.name)
        if ids:
            query = sql.SQL("SELECT id FROM {} WHERE id = ANY(%s) ORDER BY id").format(table)
            return [int(r["id"]) for r in _all(conn, query, (ids,))]
        query = sql.SQL("SELECT id FROM {} ORDER BY id").format(table)
        return [int(r["id"]) for r in _all(conn, query, ())]

    def take_letter(self, conn: Conn, letter_id: int) -> dict[str, Any] | None:
        """The dead letter, locked until the transaction ends (None when it is gone)."""
        query = sql.SQL("SELECT id, seq, event FROM {} WHERE id = %s FOR UPDATE")
        return _one(conn, query.format(sql.Identifier(self.dead_letters.name)), (letter_id,))

    def still_failing(self, conn: Conn, letter_id: int, error: str) -> None:
        query = sql.SQL("UPDATE {} SET error = %s WHERE id = %s")
        conn.execute(query.format(sql.Identifier(self.dead_letters.name)), (error, letter_id))

    def resolved(self, conn: Conn, letter_id: int) -> None:
        query = sql.SQL("DELETE FROM {} WHERE id = %s")
        conn.execute(query.format(sql.Identifier(self.dead_letters.name)), (letter_id,))


def _one(conn: Conn, query: sql.Composed, params: tuple[Any, ...]) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchone()


def _all(conn: Conn, query: sql.Composed, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchall()


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _key(value: Any, *, as_text: bool) -> Any:
    if as_text:
        return None if value is None else str(value)
    return _integer(value)
