"""The plan's versions, soak clocks, reconciliation results and trip history in the control
database (tables of migration 0002_plan, and the audit log)."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from psycopg.types.json import Jsonb

from ficus_control.adapters.pg import connect
from ficus_control.plan.core.model import Plan
from ficus_control.plan.ports import Reconciliation

_SAVE = """
INSERT INTO plan_version (version, source, body) VALUES (%s, %s, %s)
ON CONFLICT (version) DO UPDATE SET loaded_at = now()
RETURNING (xmax = 0)
"""

_START = """
INSERT INTO plan_soak (domain, step, criterion, held_since)
SELECT %s, %s, c, now() FROM unnest(%s::text[]) AS c
ON CONFLICT DO NOTHING
"""

_STOP = """
DELETE FROM plan_soak WHERE domain = %s AND step = %s
    AND criterion = ANY(%s::text[]) AND NOT criterion = ANY(%s::text[])
"""

_HELD = """
SELECT criterion, extract(epoch FROM now() - held_since) FROM plan_soak
WHERE domain = %s AND step = %s AND criterion = ANY(%s::text[])
"""

_LAST_RECONCILIATION = """
SELECT sampled, mismatched, extract(epoch FROM now() - at) FROM reconciliation
WHERE domain = %s ORDER BY id DESC LIMIT 1
"""

_LAST_AUTO_DISABLE = """
SELECT extract(epoch FROM now() - max(at)) FROM audit_log
WHERE domain = %s AND (action = 'trip' OR actor = 'proxy:auto')
"""


class PostgresPlanStore:
    """Connects per call, like the other control-database adapters."""

    def __init__(self, db_url: str, timeout: float = 3.0) -> None:
        self.db_url = db_url
        self.timeout = timeout

    def save(self, plan: Plan, body: Mapping[str, Any]) -> bool:
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(_SAVE, (plan.version, plan.source, Jsonb(dict(body)))).fetchone()
        return bool(row and row[0])

    def soak(
        self, domain: str, step: str, holding: Collection[str], watched: Collection[str]
    ) -> dict[str, float]:
        held, all_ = list(holding), list(watched)
        with connect(self.db_url, self.timeout) as conn:
            conn.execute(_STOP, (domain, step, all_, held))
            conn.execute(_START, (domain, step, held))
            rows = conn.execute(_HELD, (domain, step, held)).fetchall()
        return {str(name): float(seconds) for name, seconds in rows}

    def last_reconciliation(self, domain: str) -> Reconciliation | None:
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(_LAST_RECONCILIATION, (domain,)).fetchone()
        return None if row is None else Reconciliation(int(row[0]), int(row[1]), float(row[2]))

    def record_reconciliation(
        self, domain: str, sampled: int, mismatched: int, detail: Mapping[str, Any]
    ) -> int:
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(
                "INSERT INTO reconciliation (domain, sampled, mismatched, detail) "
                "VALUES (%s, %s, %s, %s) RETURNING id",
                (domain, sampled, mismatched, Jsonb(dict(detail))),
            ).fetchone()
        assert row is not None
        return int(row[0])

    def auto_disable_free(self, domain: str) -> float:
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(_LAST_AUTO_DISABLE, (domain,)).fetchone()
        return math.inf if row is None or row[0] is None else float(row[0])
