"""The agent: keeps nginx's configuration equal to the control database's cutover state.

LISTENs on `ficus_cutover`; on every notification (and every `resync_seconds` as a safety
net) it reloads the table and re-renders nginx.conf; if only the plans changed it sends them
to the running nginx (admin listener, `PUT /_ficus/plans`, a shared dict every worker reads):
no reload, so no keep-alive connection is closed under a client. Anything else (first start,
upstreams, routes) is written, checked with `nginx -t` and reloaded gracefully (SIGHUP).
When the database is unreachable nginx keeps the last configuration it has, and the agent
reconnects with exponential backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping

import psycopg

from ficus_contracts.cutover import CUTOVER_CHANNEL, Direction, DomainCutover
from ficus_contracts.guard.state import CutoverMap
from ficus_contracts.routes import RouteRow
from ficus_nginx.core.plane import Plane
from ficus_nginx.core.render import plans, render, skeleton
from ficus_nginx.core.watch import BreakerCommand, breaker_body
from ficus_nginx.errors import NginxError
from ficus_nginx.nginx import NginxProcess, check, send_breaker, send_plans, write_files
from ficus_nginx.settings import AgentSettings
from ficus_nginx.state import load_state

log = logging.getLogger(__name__)


class Agent:
    """Renders and (re)loads one nginx plane; `applied` counts configurations nginx was sent."""

    def __init__(
        self, settings: AgentSettings, routes: list[RouteRow], nginx: NginxProcess
    ) -> None:
        self._settings = settings
        self._routes = routes
        self.nginx = nginx
        self._conf: str | None = None
        self._connected = False
        self._checked: str | None = None  # the configuration nginx -t accepted, but its plans
        self.applied = 0
        self.state = CutoverMap()  # the database's rows and this plane's own read trips

    def trip_reads(self, domain: str) -> None:
        """A read trip decided here takes effect at once, before control confirms it."""
        self.state.trip_reads(domain)
        self.apply(self.state.effective)

    def trip_delivered(self, domain: str) -> None:
        """Control has the trip: the next newer row of the domain is authoritative again."""
        self.state.trip_delivered(domain)
        self.apply(self.state.effective)

    def set_breaker(self, domain: str, direction: Direction, command: BreakerCommand) -> None:
        """Tell nginx what its copy of a new backend's breaker is now (the guard here counts,
        nginx admits). If nginx cannot be told, it keeps what it had (logged)."""
        plane = self._settings.plane
        if plane.admin_port is None or self.nginx.process is None:
            log.error("nginx: no admin listener: the breaker of %s %s is not enforced", domain,
                      direction.value)  # fmt: skip
            return
        body = breaker_body(domain, direction, command, self._settings.guard, plane.new_timeout)
        try:
            send_breaker(plane.admin_host, plane.admin_port, body)
        except NginxError as exc:
            log.warning("nginx: breaker of %s %s not set: %s", domain, direction.value, exc)

    def apply(self, state: Mapping[str, DomainCutover]) -> str:
        """Render `state`; `unchanged`, `updated` (plans sent to the running nginx through its
        admin listener: no reload) or `reloaded` (started, or more than plans changed)."""
        started = time.perf_counter()
        plane = self._settings.plane
        conf = render(plane, self._routes, state)
        if conf == self._conf:
            return "unchanged"
        write_files(self.nginx.prefix, conf)  # the plans nginx starts with next time
        outcome = "reloaded"
        if skeleton(conf) == self._checked and self._send(plane, state):
            outcome = "updated"
        else:
            if skeleton(conf) != self._checked:  # nginx would keep the old one silently
                check(self.nginx.prefix)
                self._checked = skeleton(conf)
            if self.nginx.process is None:
                self.nginx.start()
            else:
                self.nginx.reload()
        self._conf = conf
        self.applied += 1
        ms = (time.perf_counter() - started) * 1000
        versions = {domain: row.version for domain, row in state.items()}
        log.info("nginx: cutover state %s %s in %.0f ms", versions, outcome, ms)
        return outcome

    def _send(self, plane: Plane, state: Mapping[str, DomainCutover]) -> bool:
        if plane.admin_port is None or self.nginx.process is None:
            return False
        version, table = plans(plane, self._routes, state)
        try:
            send_plans(plane.admin_host, plane.admin_port, version, table)
        except NginxError as exc:
            log.warning("nginx: %s; reloading instead", exc)
            return False
        return True

    async def run(self) -> None:
        """Serve: start nginx with what the database says (everything on Magento if it cannot
        be reached), then follow the state until cancelled."""
        self.apply({})
        dsn = self._settings.control_db_url
        if dsn is None:
            await asyncio.Event().wait()
            return
        delay = 0.1
        while True:
            try:
                await self._follow(dsn)
            except (psycopg.Error, OSError, TimeoutError) as exc:
                log.warning("cutover state: control DB unavailable (%s); keeping nginx as is", exc)
            if self._connected:
                delay, self._connected = 0.1, False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _follow(self, dsn: str) -> None:
        conn = await psycopg.AsyncConnection.connect(
            dsn, autocommit=True, connect_timeout=3, keepalives_idle=5
        )
        async with conn:
            await conn.execute(f"LISTEN {CUTOVER_CHANNEL}")
            self._connected = True
            while True:
                self.state.replace_all((await load_state(conn)).values())
                self.apply(self.state.effective)
                async for _ in conn.notifies(timeout=self._settings.resync_seconds, stop_after=1):
                    pass
