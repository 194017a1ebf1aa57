"""Keeps the in-memory cutover map equal to the control database's `cutover_state` table.

LISTENs on `ficus_cutover` and reloads the (small) table on every notification, so a change
reaches this replica within one round trip; reloads it anyway every `resync_seconds` as a safety
net. When the database is unreachable the proxy keeps serving with the last state it had and
reconnects with exponential backoff.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import psycopg

from ficus_contracts.cutover import CUTOVER_CHANNEL, CUTOVER_TABLE, DomainCutover, Lane, Stage
from ficus_contracts.guard.state import CutoverMap

log = logging.getLogger(__name__)

_SELECT = (
    "SELECT domain, reads_stage, reads_percent, writes_stage, writes_percent,"
    f" reads_fail_open_tripped, version, writes_draining FROM {CUTOVER_TABLE}"
)


def row_to_cutover(row: tuple[object, ...]) -> DomainCutover:
    """A `_SELECT` row; `writes_draining` (the 8th column) defaults to false."""
    domain, r_stage, r_pct, w_stage, w_pct, tripped, version, *rest = row
    return DomainCutover(
        domain=str(domain),
        reads=Lane(Stage(str(r_stage)), int(str(r_pct or 0))),
        writes=Lane(Stage(str(w_stage)), int(str(w_pct or 0))),
        reads_fail_open_tripped=bool(tripped),
        version=int(str(version)),
        writes_draining=bool(rest[0]) if rest else False,
    )


class CutoverListener:
    """The cutover-state listener of one proxy worker (an adapter: psycopg async)."""

    def __init__(
        self,
        dsn: str,
        state: CutoverMap,
        resync_seconds: float = 5.0,
        reconnect_max_seconds: float = 5.0,
        on_connected: Callable[[bool], None] = lambda _up: None,
    ) -> None:
        self._dsn = dsn
        self._state = state
        self._resync = resync_seconds
        self._reconnect_max = reconnect_max_seconds
        self._on_connected = on_connected
        self.first_attempt = asyncio.Event()
        self.connected = False

    async def run(self) -> None:
        delay = 0.1
        while True:
            try:
                await self._session()
            except (psycopg.Error, OSError, TimeoutError) as exc:
                log.warning("cutover state: control DB unavailable (%s); keeping last state", exc)
            if self.connected:
                delay = 0.1
            self._set_connected(False)
            self.first_attempt.set()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._reconnect_max)

    async def _session(self) -> None:
        conn = await psycopg.AsyncConnection.connect(
            self._dsn, autocommit=True, connect_timeout=3, keepalives_idle=5
        )
        async with conn:
            await conn.execute(f"LISTEN {CUTOVER_CHANNEL}")
            await self._reload(conn)
            self._set_connected(True)
            self.first_attempt.set()
            while True:
                async for _ in conn.notifies(timeout=self._resync, stop_after=1):
                    pass
                await self._reload(conn)

    async def _reload(self, conn: psycopg.AsyncConnection[tuple[object, ...]]) -> None:
        cursor = await asyncio.wait_for(conn.execute(_SELECT), timeout=self._resync)
        states = []
        for row in await cursor.fetchall():
            try:
                states.append(row_to_cutover(row))
            except ValueError as exc:
                log.error("cutover state: ignoring invalid row %r: %s", row, exc)
        self._state.replace_all(states)

    def _set_connected(self, up: bool) -> None:
        if up != self.connected:
            self.connected = up
            self._on_connected(up)
