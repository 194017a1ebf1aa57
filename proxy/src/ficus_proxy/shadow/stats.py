"""Flushes shadow comparison counters to the control database's `shadow_stat` table, additively
per (domain, minute), so the control plane's gates can read a mismatch rate across replicas.

    shadow_stat(domain text, window_start timestamptz, compared int, mismatched int,
                PRIMARY KEY (domain, window_start))

A failed flush puts its deltas back into the recorder; they go out with the next flush.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import psycopg

from ficus_proxy.shadow.core.recorder import ShadowRecorder

log = logging.getLogger(__name__)

SHADOW_STAT_TABLE = "shadow_stat"
_UPSERT = (
    f"INSERT INTO {SHADOW_STAT_TABLE} (domain, window_start, compared, mismatched)"
    " VALUES (%s, %s, %s, %s) ON CONFLICT (domain, window_start) DO UPDATE SET"
    f" compared = {SHADOW_STAT_TABLE}.compared + EXCLUDED.compared,"
    f" mismatched = {SHADOW_STAT_TABLE}.mismatched + EXCLUDED.mismatched"
)


class ShadowStatWriter:
    """Writer of `shadow_stat` (an adapter: psycopg async)."""

    def __init__(self, dsn: str, recorder: ShadowRecorder, every_seconds: float = 10.0) -> None:
        self._dsn = dsn
        self._recorder = recorder
        self._every = every_seconds

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            await self.flush()

    async def flush(self) -> bool:
        deltas = self._recorder.drain()
        if not deltas:
            return True
        rows = [
            (domain, datetime.fromtimestamp(minute, UTC), compared, mismatched)
            for (domain, minute), (compared, mismatched) in deltas.items()
        ]
        try:
            conn = await psycopg.AsyncConnection.connect(self._dsn, connect_timeout=3)
            async with conn, conn.cursor() as cursor:
                await cursor.executemany(_UPSERT, rows)
        except (psycopg.Error, OSError) as exc:
            log.warning("shadow_stat flush failed (%s); will retry", exc)
            self._recorder.restore(deltas)
            return False
        return True
