"""The Magento database's clock as seen from here (reverse sync's conflict policy compares
Magento's `updated_at` with the service's hybrid logical clock)."""

from __future__ import annotations

import time
from datetime import UTC

from ficus_legacy.types import Connection

__all__ = ["clock_offset_ms"]


def clock_offset_ms(conn: Connection) -> float:
    """Magento's clock minus the local clock in ms: `UTC_TIMESTAMP(6)` against the midpoint
    of the query's round trip (the error is at most half the round trip)."""
    with conn.cursor() as cur:
        sent = time.time()
        cur.execute("SELECT UTC_TIMESTAMP(6)")
        received = time.time()
        row = cur.fetchone()
    if row is None:
        raise RuntimeError("UTC_TIMESTAMP() returned no row")
    remote: float = row[0].replace(tzinfo=UTC).timestamp()
    return (remote - (sent + received) / 2) * 1000
