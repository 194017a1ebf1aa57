"""Reads and writes of sync's own tables in its Postgres database: checkpoint, id map, domain
events' notification, dead letters. Alembic creates the tables (`migrations/sync/`, run at start
by `ficus_sync.migration`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from ficus_contracts.events import DOMAIN_EVENT_CHANNEL
from ficus_feed.core import DeadLetterPolicy, PoisonUnlessTransient
from ficus_sync.core.echo import EchoPlan
from ficus_sync.errors import SourceUnavailable

# Failures of the system, not of an event: a lost Postgres connection or capture source. The
# batch (or snapshot chunk) is retried whole after a reconnect.
TRANSIENT = (psycopg.OperationalError, psycopg.InterfaceError, SourceUnavailable)
# Sync's dead-letter decision, of the feed's policy type and injected into the pipeline and the
# snapshot: any other failure is a row or aggregate that cannot be applied, isolated and recorded.
DEAD_LETTER_POLICY: DeadLetterPolicy = PoisonUnlessTransient(TRANSIENT)

PgConn = psycopg.Connection[Any]

# Serializes streaming batches with a one-table re-snapshot (the snapshot holds it exclusively).
APPLY_LOCK = 0x51C0FF
# Serializes concurrent starts while they migrate the schema and install the mirror.
INSTALL_LOCK = APPLY_LOCK + 1


def load_checkpoint(conn: PgConn, source: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT position FROM checkpoint WHERE source = %s", (source,)).fetchone()
    return dict(row[0]) if row else None


def save_checkpoint(conn: PgConn, source: str, position: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO checkpoint (source, position) VALUES (%s, %s) ON CONFLICT (source) "
        "DO UPDATE SET position = EXCLUDED.position, updated_at = now()",
        (source, Jsonb(position)),
    )


def ensure_uuids(conn: PgConn, aggregate: str, entity_ids: Sequence[int]) -> None:
    """Give each entity a UUID on first use (race-free; read them back by joining id_map)."""
    conn.execute(
        "INSERT INTO id_map (aggregate, entity_id) SELECT %s, unnest(%s::bigint[]) "
        "ON CONFLICT (aggregate, entity_id) DO NOTHING",
        (aggregate, list(entity_ids)),
    )


def store_echoes(conn: PgConn, plan: EchoPlan) -> None:
    """Apply a batch's echo plan: drop the expectations it made stale, then add its new ones
    (in the batch's transaction, so they commit with the mirror rows that carried them)."""
    if plan.drop:
        keys = list(plan.drop.items())
        conn.execute(
            "DELETE FROM echo_expectation x USING unnest(%s::text[], %s::bigint[], %s::text[])"
            " AS d(aggregate, entity_id, txn) WHERE x.aggregate = d.aggregate"
            " AND x.entity_id = d.entity_id AND (d.txn IS NULL OR x.txn IS DISTINCT FROM d.txn)",
            ([k[0] for k, _ in keys], [k[1] for k, _ in keys], [t for _, t in keys]),
        )
    if plan.add:
        conn.execute(
            "INSERT INTO echo_expectation (aggregate, entity_id, outbox_id, state_hash, txn)"
            " SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[], %s::text[], %s::text[])"
            " ON CONFLICT (aggregate, entity_id, outbox_id) DO UPDATE SET"
            " state_hash = EXCLUDED.state_hash, txn = EXCLUDED.txn",
            (
                [e.aggregate for e in plan.add],
                [e.entity_id for e in plan.add],
                [e.outbox_id for e in plan.add],
                [e.state_hash for e in plan.add],
                [e.txn for e in plan.add],
            ),
        )


def force_reemit(conn: PgConn, aggregate: str, entity_ids: Sequence[int]) -> None:
    """Make the projector emit these aggregates' current states as new versions (a repair):
    their last seen hash is forgotten, and so is any expected echo that could swallow them."""
    conn.execute(
        "UPDATE projection SET state_hash = 'repair' WHERE aggregate = %s AND entity_id = ANY(%s)",
        (aggregate, list(entity_ids)),
    )
    conn.execute(
        "DELETE FROM echo_expectation WHERE aggregate = %s AND entity_id = ANY(%s)",
        (aggregate, list(entity_ids)),
    )


def begin_reconcile(
    conn: PgConn, domain: str, restart: bool
) -> tuple[int, int, list[dict[str, Any]]]:
    """(last id checked, ids checked, differences so far) of an unfinished run of `domain`,
    or a fresh run's zeros (also with `restart`)."""
    row = conn.execute(
        "SELECT last_id, checked, differences FROM reconcile_progress"
        " WHERE domain = %s AND finished_at IS NULL",
        (domain,),
    ).fetchone()
    if row is not None and not restart:
        return int(row[0]), int(row[1]), list(row[2])
    conn.execute(
        "INSERT INTO reconcile_progress (domain) VALUES (%s) ON CONFLICT (domain) DO UPDATE SET"
        " last_id = 0, checked = 0, differences = '[]', started_at = now(), updated_at = now(),"
        " finished_at = NULL",
        (domain,),
    )
    return 0, 0, []


def save_reconcile(
    conn: PgConn,
    domain: str,
    last_id: int,
    checked: int,
    differences: list[dict[str, Any]],
    finished: bool,
) -> None:
    """One chunk done: its last id, its count and its differences (appended)."""
    conn.execute(
        "UPDATE reconcile_progress SET last_id = %s, checked = checked + %s,"
        " differences = differences || %s, updated_at = now(),"
        " finished_at = CASE WHEN %s THEN now() END WHERE domain = %s",
        (last_id, checked, Jsonb(differences), finished, domain),
    )


def add_dead_letter(
    conn: PgConn, source: str, table: str | None, error: str, raw: dict[str, Any]
) -> None:
    # jsonb cannot hold NUL characters (often the very reason for the dead letter)
    text = json.dumps(raw, default=str).replace("\\u0000", "\\\\u0000")
    conn.execute(
        "INSERT INTO dead_letter (source, tbl, error, raw) VALUES (%s, %s, %s, %s)",
        (source, table, error.replace("\x00", "\\0")[:4000], Jsonb(json.loads(text))),
    )


def notify(conn: PgConn) -> None:
    conn.execute(f"NOTIFY {DOMAIN_EVENT_CHANNEL}")  # type: ignore[arg-type]


def dead_letters(conn: PgConn, pending_only: bool = True) -> list[tuple[Any, ...]]:
    where = "WHERE replayed_at IS NULL" if pending_only else ""
    return conn.execute(
        f"SELECT id, source, tbl, error, raw, created_at, replayed_at FROM dead_letter {where} "  # type: ignore[arg-type]
        "ORDER BY id"
    ).fetchall()


def mark_replayed(conn: PgConn, ids: Iterable[int]) -> None:
    conn.execute("UPDATE dead_letter SET replayed_at = now() WHERE id = ANY(%s)", (list(ids),))
