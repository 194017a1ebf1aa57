"""Cutover state, audit log, gate policy and shadow stats in the control database."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace
from typing import Any

from ficus_contracts.cutover import CUTOVER_CHANNEL, Direction, DomainCutover, Lane, Stage
from ficus_control.adapters import pg_audit
from ficus_control.adapters.pg import connect
from ficus_control.cutover.core.audit import AuditEntry, AuditRecord
from ficus_control.cutover.core.chain import ChainReport, walk
from ficus_control.cutover.core.gates import GatePolicy, ShadowWindow
from ficus_control.errors import ConcurrentChange

_STATE_COLUMNS = (
    "domain, reads_stage, reads_percent, writes_stage, writes_percent, "
    "reads_fail_open_tripped, version, writes_draining"
)

_UPSERT = """
INSERT INTO cutover_state AS s (domain, reads_stage, reads_percent, writes_stage,
    writes_percent, reads_fail_open_tripped, writes_draining, version, updated_at)
VALUES (%(domain)s, %(reads_stage)s, %(reads_percent)s, %(writes_stage)s, %(writes_percent)s,
    %(tripped)s, %(draining)s, 1, now())
ON CONFLICT (domain) DO UPDATE SET reads_stage = EXCLUDED.reads_stage,
    reads_percent = EXCLUDED.reads_percent, writes_stage = EXCLUDED.writes_stage,
    writes_percent = EXCLUDED.writes_percent,
    reads_fail_open_tripped = EXCLUDED.reads_fail_open_tripped,
    writes_draining = EXCLUDED.writes_draining,
    version = s.version + 1, updated_at = now()
WHERE s.version = %(expected)s
RETURNING version
"""

_SET_POLICY = """
INSERT INTO gate_policy (domain, max_lag_seconds, max_mismatch_rate, min_shadow_samples,
    window_seconds, updated_at)
VALUES (%(domain)s, %(max_lag_seconds)s, %(max_mismatch_rate)s, %(min_shadow_samples)s,
    %(window_seconds)s, now())
ON CONFLICT (domain) DO UPDATE SET max_lag_seconds = EXCLUDED.max_lag_seconds,
    max_mismatch_rate = EXCLUDED.max_mismatch_rate,
    min_shadow_samples = EXCLUDED.min_shadow_samples,
    window_seconds = EXCLUDED.window_seconds, updated_at = now()
"""

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
        writes_draining=row[7],
    )


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
            "draining": new.writes_draining,
            "expected": expected_version,
        }
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(_UPSERT, params).fetchone()
            if row is None:
                raise ConcurrentChange(new.domain)
            pg_audit.append(conn, entry)
            conn.execute("SELECT pg_notify(%s, %s)", (CUTOVER_CHANNEL, new.domain))
        return replace(new, version=row[0])

    def audit(self, domain: str | None, limit: int) -> list[AuditRecord]:
        with connect(self.db_url, self.timeout) as conn:
            return pg_audit.records(conn, domain, limit)

    def verify_audit(self) -> ChainReport:
        with connect(self.db_url, self.timeout) as conn:
            return walk(pg_audit.chain(conn))

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

    def record(self, entry: AuditEntry) -> None:
        """Append an entry that changes nothing in control's own tables."""
        with connect(self.db_url, self.timeout) as conn:
            pg_audit.append(conn, entry)

    def set_policy(self, domain: str, policy: GatePolicy, entry: AuditEntry) -> None:
        with connect(self.db_url, self.timeout) as conn:
            conn.execute(_SET_POLICY, {"domain": domain, **asdict(policy)})
            pg_audit.append(conn, entry)

    def latest_window(self, domain: str, window_seconds: int) -> ShadowWindow:
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(_SHADOW, {"d": domain, "w": window_seconds}).fetchone()
        assert row is not None  # an aggregate always returns one row
        latest: dt.datetime | None = row[2]
        return ShadowWindow(int(row[0]), int(row[1]), latest.isoformat() if latest else None)
