"""Reverse sync's own tables in MAGENTO's database (Ficus-owned, created at the worker's start),
written inside the same MySQL transactions as the Magento rows they explain:

- `ficus_reverse_log` (ficus_contracts.reverse): one row per outbox row: applied, parked or
  dead (the reverse DLQ); the checkpoint and the no-echo marker.
- `ficus_reverse_conflict`: the conflict log, exactly once with the merge that found it.
- `ficus_id_block`: id blocks reserved for the service's pool, until handed.

Every function takes a pymysql connection and runs inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ficus_contracts.reverse import REVERSE_LOG_TABLE, OutboxRow
from ficus_legacy.customers import ensure_reverse_log
from ficus_sync.reverse.core import Conflict

Connection = Any  # pymysql.connections.Connection

CONFLICT_DDL = """
CREATE TABLE IF NOT EXISTS ficus_reverse_conflict (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  domain varchar(32) NOT NULL,
  outbox_id bigint unsigned NOT NULL,
  aggregate varchar(32) NOT NULL,
  entity_id int unsigned NOT NULL,
  field varchar(255) NOT NULL,
  magento_value longtext NULL,
  service_value longtext NULL,
  winner varchar(16) NOT NULL,
  policy varchar(32) NOT NULL,
  status varchar(16) NOT NULL,
  detected_at datetime(6) NOT NULL,
  resolved_at datetime(6) NULL,
  resolved_by varchar(255) NULL,
  PRIMARY KEY (id),
  KEY ficus_reverse_conflict_status (domain, status)
) ENGINE=InnoDB
"""

ID_BLOCK_DDL = """
CREATE TABLE IF NOT EXISTS ficus_id_block (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  entity_table varchar(64) NOT NULL,
  ids longtext NOT NULL,
  reserved_at datetime(6) NOT NULL,
  handed_at datetime(6) NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB
"""

# a log table created before the DLQ columns existed
_LOG_UPGRADE = (
    f"ALTER TABLE {REVERSE_LOG_TABLE} "
    "ADD COLUMN IF NOT EXISTS status varchar(16) NOT NULL DEFAULT 'applied', "
    "ADD COLUMN IF NOT EXISTS error text NULL"
)


@dataclass(frozen=True)
class ConflictRow:
    id: int
    domain: str
    outbox_id: int
    entity_id: int
    field: str
    magento_value: Any
    service_value: Any
    winner: str
    policy: str
    status: str
    detected_at: str
    resolved_by: str | None


@dataclass(frozen=True)
class DeadRow:
    outbox_id: int
    entity_id: int
    error: str
    applied_at: str


def ensure(conn: Connection) -> None:
    """Create the Ficus-owned tables if missing (DDL commits on its own)."""
    ensure_reverse_log(conn)
    with conn.cursor() as cur:
        for ddl in (_LOG_UPGRADE, CONFLICT_DDL, ID_BLOCK_DDL):
            cur.execute(ddl)
    conn.commit()


def logged(conn: Connection, domain: str, outbox_ids: Sequence[int]) -> set[int]:
    """Which of these outbox rows the log already has (whatever their status)."""
    if not outbox_ids:
        return set()
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT outbox_id FROM {REVERSE_LOG_TABLE} WHERE domain = %s AND outbox_id IN %s",  # noqa: S608
            (domain, list(outbox_ids)),
        )
        return {int(row[0]) for row in cur.fetchall()}


def log(
    conn: Connection, domain: str, row: OutboxRow, state_hash: str, status: str = "applied",
    error: str | None = None,
) -> None:  # fmt: skip
    """The marker row: the transaction's first write, so capture sees it before the rows."""
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO {REVERSE_LOG_TABLE} (domain, outbox_id, aggregate, entity_id, "  # noqa: S608
            "state_hash, applied_at, status, error) "
            "VALUES (%s, %s, %s, %s, %s, UTC_TIMESTAMP(6), %s, %s)",
            (domain, row.id, row.aggregate, row.entity_id, state_hash, status, error),
        )


def forget_dead(conn: Connection, domain: str, outbox_id: int) -> bool:
    """Drop a dead letter's log row before replaying it (in the replay's transaction)."""
    with conn.cursor() as cur:
        cur.execute(
            f"DELETE FROM {REVERSE_LOG_TABLE} WHERE domain = %s AND outbox_id = %s "  # noqa: S608
            "AND status = 'dead'",
            (domain, outbox_id),
        )
        return bool(cur.rowcount)


def dead_count(conn: Connection, domain: str) -> int:
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FROM {REVERSE_LOG_TABLE} WHERE domain = %s AND status = 'dead'",  # noqa: S608
            (domain,),
        )
        return int(cur.fetchone()[0])


def dead(conn: Connection, domain: str) -> list[DeadRow]:
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT outbox_id, entity_id, error, applied_at FROM {REVERSE_LOG_TABLE} "  # noqa: S608
            "WHERE domain = %s AND status = 'dead' ORDER BY outbox_id",
            (domain,),
        )
        return [DeadRow(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in cur.fetchall()]


def record_conflicts(
    conn: Connection, domain: str, row: OutboxRow, conflicts: Iterable[Conflict]
) -> None:
    """The conflict log: one row per conflicting field; a policy's decision is `resolved`
    at once (by `policy:<name>`), a manual one stays `open`."""
    values = [
        (
            domain, row.id, row.aggregate, row.entity_id, c.field, _json(c.magento_value),
            _json(c.service_value), c.winner, c.policy, "open" if c.open else "resolved",
            c.open, None if c.open else f"policy:{c.policy}",
        )
        for c in conflicts
    ]  # fmt: skip
    if not values:
        return
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO ficus_reverse_conflict (domain, outbox_id, aggregate, entity_id, field, "
            "magento_value, service_value, winner, policy, status, detected_at, resolved_at, "
            "resolved_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, UTC_TIMESTAMP(6), "
            "IF(%s, NULL, UTC_TIMESTAMP(6)), %s)",
            values,
        )


_CONFLICT_COLUMNS = (
    "id, domain, outbox_id, entity_id, field, magento_value, service_value, winner, policy, "
    "status, detected_at, resolved_by"
)


def conflicts(
    conn: Connection, domain: str | None = None, open_only: bool = False, for_update: bool = False,
    conflict_id: int | None = None,
) -> list[ConflictRow]:  # fmt: skip
    where, args = ["TRUE"], []
    for clause, value in (("domain = %s", domain), ("id = %s", conflict_id)):
        if value is not None:
            where.append(clause)
            args.append(value)
    if open_only:
        where.append("status = 'open'")
    lock = " FOR UPDATE" if for_update else ""
    with conn.cursor() as cur:
        cur.execute(
            f"SELECT {_CONFLICT_COLUMNS} FROM ficus_reverse_conflict "  # noqa: S608
            f"WHERE {' AND '.join(where)} ORDER BY id{lock}",
            args,
        )
        return [_conflict(r) for r in cur.fetchall()]


def _conflict(r: Sequence[Any]) -> ConflictRow:
    return ConflictRow(
        int(r[0]), r[1], int(r[2]), int(r[3]), r[4], _unjson(r[5]), _unjson(r[6]), r[7], r[8],
        r[9], str(r[10]), r[11],
    )  # fmt: skip


def close_conflict(conn: Connection, conflict_id: int, resolved_by: str) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE ficus_reverse_conflict SET status = 'resolved', "
            "resolved_at = UTC_TIMESTAMP(6), resolved_by = %s WHERE id = %s",
            (resolved_by, conflict_id),
        )


def reserve_block(conn: Connection, table: str, ids: Sequence[int]) -> int:
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO ficus_id_block (entity_table, ids, reserved_at) "
            "VALUES (%s, %s, UTC_TIMESTAMP(6))",
            (table, json.dumps(list(ids))),
        )
        return int(cur.lastrowid)


def unhanded_blocks(conn: Connection) -> list[tuple[int, str, list[int]]]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT id, entity_table, ids FROM ficus_id_block WHERE handed_at IS NULL ORDER BY id"
        )
        return [(int(r[0]), str(r[1]), list(json.loads(r[2]))) for r in cur.fetchall()]


def mark_handed(conn: Connection, block_id: int) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE ficus_id_block SET handed_at = UTC_TIMESTAMP(6) WHERE id = %s", (block_id,)
        )


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _unjson(text: str | None) -> Any:
    return None if text is None else json.loads(text)
