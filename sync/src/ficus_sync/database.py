"""Sync's own tables in its Postgres database: checkpoint, id map, projection, domain events,
dead letters, snapshot progress. Plain idempotent DDL, applied at start."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from ficus_contracts.events import DOMAIN_EVENT_CHANNEL, DOMAIN_EVENT_DDL

PgConn = psycopg.Connection[Any]

SYNC_DDL = """
CREATE TABLE IF NOT EXISTS checkpoint (
    source     text PRIMARY KEY,
    position   jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS id_map (
    aggregate text   NOT NULL,
    entity_id bigint NOT NULL,
    uuid      uuid   NOT NULL DEFAULT gen_random_uuid(),
    PRIMARY KEY (aggregate, entity_id),
    UNIQUE (uuid)
);
CREATE TABLE IF NOT EXISTS projection (
    aggregate  text   NOT NULL,
    entity_id  bigint NOT NULL,
    version    bigint NOT NULL,
    state_hash text   NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    last_seq   bigint  NOT NULL,  -- the domain_event row holding this version
    PRIMARY KEY (aggregate, entity_id)
);
CREATE TABLE IF NOT EXISTS dead_letter (
    id          bigserial PRIMARY KEY,
    source      text NOT NULL,
    tbl         text,
    error       text NOT NULL,
    raw         jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz
);
CREATE TABLE IF NOT EXISTS snapshot_progress (
    tbl      text PRIMARY KEY,
    last_key jsonb,
    rows     bigint NOT NULL DEFAULT 0,
    done     boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS snapshot_run (
    id         int PRIMARY KEY DEFAULT 1,
    position   jsonb NOT NULL,
    tables     text[] NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    done       boolean NOT NULL DEFAULT false
);
"""

# Serializes streaming batches with a one-table re-snapshot (the snapshot holds it exclusively).
APPLY_LOCK = 0x51C0FF


def install(conn: PgConn) -> None:
    """Create sync's tables and the domain_event table (idempotent)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPLY_LOCK + 1,))
        conn.execute(SYNC_DDL)  # type: ignore[arg-type]
        conn.execute(DOMAIN_EVENT_DDL)  # type: ignore[arg-type]


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
