"""The audit log in the control database: appended to inside the caller's transaction, each
row chained to the one before it (see `cutover.core.chain`), and read back.

Appending takes a transaction-scoped advisory lock before reading the chain's head, so two
writers never chain onto the same row; the lock is released at COMMIT or ROLLBACK, and a rolled
back row leaves only a gap in the ids (the chain follows stored rows, not ids)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from psycopg.types.json import Jsonb

from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.adapters.pg import Conn
from ficus_control.cutover.core.audit import Action, AuditEntry, AuditRecord
from ficus_control.cutover.core.chain import GENESIS, ChainRow, row_hash

_LOCK = 0x66_69_63_75_61  # "ficua": one advisory lock key for the audit chain

_COLUMNS = (
    "id, at, actor, note, domain, direction, action, from_stage, from_percent, to_stage, "
    "to_percent, reason, forced, measured::text, prev_hash, hash"
)

_INSERT = """
INSERT INTO audit_log (id, at, actor, note, domain, direction, action, from_stage, from_percent,
    to_stage, to_percent, reason, forced, measured, prev_hash, hash)
VALUES (%(id)s, %(at)s, %(actor)s, %(note)s, %(domain)s, %(direction)s, %(action)s,
    %(from_stage)s, %(from_percent)s, %(to_stage)s, %(to_percent)s, %(reason)s, %(forced)s,
    %(measured)s::jsonb, %(prev_hash)s, %(hash)s)
"""


def append(conn: Conn, entry: AuditEntry) -> int:
    """Append `entry` in `conn`'s open transaction; returns its id."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
    head = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = head[0] if head else GENESIS
    found = conn.execute(
        "SELECT nextval(pg_get_serial_sequence('audit_log', 'id')), clock_timestamp(), "
        "%s::jsonb::text",
        (Jsonb(dict(entry.measured)),),
    ).fetchone()
    assert found is not None  # a SELECT without FROM returns one row
    row = _chain_row(found[0], found[1], entry, found[2])
    params = {**asdict(row), "measured": row.measured_json, "prev_hash": prev}
    conn.execute(_INSERT, {**params, "hash": row_hash(row, prev)})
    return row.id


def records(conn: Conn, domain: str | None, limit: int) -> list[AuditRecord]:
    """Newest first; only `domain`'s when given."""
    where = "WHERE domain = %(d)s" if domain is not None else ""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM audit_log {where} ORDER BY id DESC LIMIT %(n)s",
        {"d": domain, "n": limit},
    ).fetchall()
    return [_record(ChainRow(*row)) for row in rows]


def chain(conn: Conn) -> Iterator[ChainRow]:
    """Every row in id order, streamed (a server-side cursor)."""
    with conn.cursor(name="audit_chain") as cursor:
        cursor.itersize = 1000
        cursor.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id")
        for row in cursor:
            yield ChainRow(*row)


def _chain_row(id_: int, at: Any, entry: AuditEntry, measured_json: str) -> ChainRow:
    src, dst = entry.from_lane, entry.to_lane
    return ChainRow(
        id=id_,
        at=at,
        actor=entry.actor,
        note=entry.note,
        domain=entry.domain,
        direction=entry.direction.value if entry.direction else None,
        action=entry.action.value,
        from_stage=src.stage.value if src else None,
        from_percent=src.percent if src else None,
        to_stage=dst.stage.value if dst else None,
        to_percent=dst.percent if dst else None,
        reason=entry.reason,
        forced=entry.forced,
        measured_json=measured_json,
    )


def _lane(stage: str | None, percent: int | None) -> Lane | None:
    return Lane(Stage(stage), percent or 0) if stage is not None else None


def _record(row: ChainRow) -> AuditRecord:
    entry = AuditEntry(
        actor=row.actor,
        domain=row.domain,
        direction=Direction(row.direction) if row.direction else None,
        action=Action(row.action),
        from_lane=_lane(row.from_stage, row.from_percent),
        to_lane=_lane(row.to_stage, row.to_percent),
        reason=row.reason,
        forced=row.forced,
        measured=json.loads(row.measured_json),
        note=row.note,
    )
    return AuditRecord(id=row.id, at=row.at, entry=entry)
