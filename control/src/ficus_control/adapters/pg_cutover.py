"""Cutover state, audit log, gate policy and shadow stats in the control database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from psycopg.types.json import Jsonb

from ficus_contracts.cutover import CUTOVER_CHANNEL, Direction, DomainCutover, Lane, Stage
from ficus_control.adapters.pg import connect
from ficus_control.cutover.core.audit import Action, AuditEntry, AuditRecord
from ficus_control.cutover.core.gates import GatePolicy, ShadowWindow
from ficus_control.errors import ConcurrentChange

_STATE_COLUMNS = (
    "domain, reads_stage, reads_percent, writes_stage, writes_percent, "
    "reads_fail_open_tripped, version"
)

_UPSERT = """
INSERT INTO cutover_state AS s (domain, reads_stage, reads_percent, writes_stage,
    writes_percent, reads_fail_open_tripped, version, updated_at)
VALUES (%(domain)s, %(reads_stage)s, %(reads_percent)s, %(writes_stage)s, %(writes_percent)s,
    %(tripped)s, 1, now())
ON CONFLICT (domain) DO UPDATE SET reads_stage = EXCLUDED.reads_stage,
    reads_percent = EXCLUDED.reads_percent, writes_stage = EXCLUDED.writes_stage,
    writes_percent = EXCLUDED.writes_percent,
    reads_fail_open_tripped = EXCLUDED.reads_fail_open_tripped,
    version = s.version + 1, updated_at = now()
WHERE s.version = %(expected)s
RETURNING version
"""

_AUDIT_COLUMNS = (
    "actor, domain, direction, action, from_stage, from_percent, to_stage, to_percent, "
    "reason, forced, measured"
)

_SHADOW = """
WITH latest AS (SELECT max(window_start) AS t FROM shadow_stat WHERE domain = %(d)s)
SELECT coalesce(sum(s.compared), 0), coalesce(sum(s.mismatched), 0), max(latest.t)
FROM latest LEFT JOIN shadow_stat s ON s.domain = %(d)s
    AND s.window_start > latest.t - make_interval(secs => %(w)s)
"""


def _state(row: tuple[Any, ...]) -> DomainCutover:
    return DomainCutover(
        domain=row[0],
        reads=Lane(Stage(row[1]), row[2]),
        writes=Lane(Stage(row[3]), row[4]),
        reads_fail_open_tripped=row[5],
        version=row[6],
    )


def _record(row: tuple[Any, ...]) -> AuditRecord:
    entry = AuditEntry(
        actor=row[2],
        domain=row[3],
        direction=Direction(row[4]),
        action=Action(row[5]),
        from_lane=Lane(Stage(row[6]), row[7]),
        to_lane=Lane(Stage(row[8]), row[9]),
        reason=row[10],
        forced=row[11],
        measured=row[12],
    )
    return AuditRecord(id=row[0], at=row[1], entry=entry)


class PostgresCutoverStore:
    """Implements CutoverStore, PolicySource and ShadowStats over the control database."""

    def __init__(self, db_url: str, timeout: float = 3.0) -> None:
        self.db_url = db_url
        self.timeout = timeout

    def get(self, domain: str) -> DomainCutover | None:
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(
                f"SELECT {_STATE_COLUMNS} FROM cutover_state WHERE domain = %s", (domain,)
            ).fetchone()
        return _state(row) if row else None

    def states(self) -> list[DomainCutover]:
        with connect(self.db_url, self.timeout) as conn:
            rows = conn.execute(
                f"SELECT {_STATE_COLUMNS} FROM cutover_state ORDER BY domain"
            ).fetchall()
        return [_state(row) for row in rows]

    def commit(self, expected_version: int, new: DomainCutover, entry: AuditEntry) -> DomainCutover:
        params = {
            "domain": new.domain,
            "reads_stage": new.reads.stage.value,
            "reads_percent": new.reads.percent,
            "writes_stage": new.writes.stage.value,
            "writes_percent": new.writes.percent,
            "tripped": new.reads_fail_open_tripped,
            "expected": expected_version,
        }
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(_UPSERT, params).fetchone()
            if row is None:
                raise ConcurrentChange(new.domain)
            conn.execute(
                f"INSERT INTO audit_log ({_AUDIT_COLUMNS}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                _audit_params(entry),
            )
            conn.execute("SELECT pg_notify(%s, %s)", (CUTOVER_CHANNEL, new.domain))
        return DomainCutover(
            new.domain, new.reads, new.writes, new.reads_fail_open_tripped, version=row[0]
        )

    def audit(self, domain: str | None, limit: int) -> list[AuditRecord]:
        where = "WHERE domain = %(d)s" if domain is not None else ""
        with connect(self.db_url, self.timeout) as conn:
            rows = conn.execute(
                f"SELECT id, at, {_AUDIT_COLUMNS} FROM audit_log {where} "
                "ORDER BY id DESC LIMIT %(n)s",
                {"d": domain, "n": limit},
            ).fetchall()
        return [_record(row) for row in rows]

    def forward_history(self, domain: str, direction: Direction) -> list[tuple[Lane, Lane]]:
        with connect(self.db_url, self.timeout) as conn:
            rows = conn.execute(
                "SELECT from_stage, from_percent, to_stage, to_percent FROM audit_log "
                "WHERE domain = %s AND direction = %s AND action = 'cutover' "
                "ORDER BY id DESC LIMIT 100",
                (domain, direction.value),
            ).fetchall()
        return [(Lane(Stage(r[0]), r[1]), Lane(Stage(r[2]), r[3])) for r in rows]

    def policy(self, domain: str) -> GatePolicy:
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(
                "SELECT max_lag_seconds, max_mismatch_rate, min_shadow_samples, window_seconds "
                "FROM gate_policy WHERE domain IN (%s, '*') ORDER BY domain = '*' LIMIT 1",
                (domain,),
            ).fetchone()
        return GatePolicy(*row) if row else GatePolicy()

    def latest_window(self, domain: str, window_seconds: int) -> ShadowWindow:
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(_SHADOW, {"d": domain, "w": window_seconds}).fetchone()
        assert row is not None  # an aggregate always returns one row
        latest: dt.datetime | None = row[2]
        return ShadowWindow(int(row[0]), int(row[1]), latest.isoformat() if latest else None)


def _audit_params(entry: AuditEntry) -> tuple[Any, ...]:
    return (
        entry.actor,
        entry.domain,
        entry.direction.value,
        entry.action.value,
        entry.from_lane.stage.value,
        entry.from_lane.percent,
        entry.to_lane.stage.value,
        entry.to_lane.percent,
        entry.reason,
        entry.forced,
        Jsonb(dict(entry.measured)),
    )
