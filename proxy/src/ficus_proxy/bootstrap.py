"""Composition root: builds one proxy worker from its settings and runs it until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from ficus_contracts.cutover import Direction
from ficus_contracts.guard.budget import BudgetPolicy
from ficus_contracts.guard.domain import DomainGuard, GuardPolicy
from ficus_contracts.guard.state import CutoverMap
from ficus_proxy.admin import Admin
from ficus_proxy.core.routing import load_routes
from ficus_proxy.cutover.listener import CutoverListener
from ficus_proxy.cutover.reporting import ControlReporter
from ficus_proxy.edge import CappedServer
from ficus_proxy.forwarder import Forwarder, Origin
from ficus_proxy.metrics import ProxyMetrics
from ficus_proxy.server import ProxyServer
from ficus_proxy.settings import ProxySettings
from ficus_proxy.shadow.core.recorder import ShadowRecorder
from ficus_proxy.shadow.intake import ShadowIntake
from ficus_proxy.shadow.sender import ShadowPolicy, ShadowSender
from ficus_proxy.shadow.stats import ShadowStatWriter

log = logging.getLogger(__name__)


def guard_policy(s: ProxySettings) -> GuardPolicy:
    budget = BudgetPolicy(
        s.budget_window_seconds, s.budget_max_error_rate, s.budget_max_p99_ms, s.budget_min_requests
    )
    return GuardPolicy(
        s.trip_after_failures, s.breaker_failures, s.breaker_cooldown, budget, s.rollback_cooldown
    )


@dataclass
class Worker:
    """One proxy worker: the server plus its background tasks."""

    settings: ProxySettings
    server: ProxyServer
    admin: Admin
    forwarder: Forwarder
    listener: CutoverListener | None
    stats: ShadowStatWriter | None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    runner: web.ServerRunner | None = None
    admin_runner: web.ServerRunner | None = None

    async def start(self) -> None:
        await self.forwarder.start()
        self.tasks.append(asyncio.create_task(self.server.reporter.run()))
        if self.listener is not None:
            self.tasks.append(asyncio.create_task(self.listener.run()))
        if self.stats is not None:
            self.tasks.append(asyncio.create_task(self.stats.run()))
        s = self.settings
        shopper = CappedServer(
            self.server.handle,
            max_connections=s.max_connections,
            access_log=None,
            max_line_size=s.max_line_size,
            max_field_size=s.max_field_size,
            max_headers=s.max_headers,
            keepalive_timeout=s.header_timeout,  # idle or slow request head: closed
            lingering_time=2.0,  # after a refused half-read request, not aiohttp's 10 s
            auto_decompress=False,  # request bodies go upstream as the client sent them
        )
        self.runner = await _listen(shopper, s.host, s.port)
        admin = web.Server(self.admin.handle, access_log=None, keepalive_timeout=s.header_timeout)
        self.admin_runner = await _listen(admin, s.admin_host, s.admin_port)

    @property
    def port(self) -> int:
        """The bound shopper port (useful when settings.port is 0)."""
        assert self.runner is not None
        return int(self.runner.addresses[0][1])

    @property
    def admin_port(self) -> int:
        """The bound admin port."""
        assert self.admin_runner is not None
        return int(self.admin_runner.addresses[0][1])

    async def stop(self) -> None:
        for runner in (self.runner, self.admin_runner):
            if runner is not None:
                await runner.cleanup()
        await self.server.shadow.drain(self.settings.new_timeout)
        if self.stats is not None:
            await self.stats.flush()
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.forwarder.close()


async def _listen(server: web.Server, host: str, port: int) -> web.ServerRunner:
    runner = web.ServerRunner(server, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port, reuse_port=True, backlog=1024).start()
    return runner


def build_worker(settings: ProxySettings) -> Worker:
    routes = load_routes(settings.routes_file)
    state = CutoverMap()
    metrics = ProxyMetrics()
    forwarder = Forwarder(settings.pool_size, settings.keepalive_timeout, settings.connect_timeout)
    token = settings.token.get_secret_value() if settings.token else None
    reporter = ControlReporter(settings.control_api_url, token, settings.reconnect_max_seconds)
    recorder = ShadowRecorder(
        settings.diff_window_seconds,
        settings.diff_max_samples,
        keep_unflushed=settings.control_db_url is not None,
    )
    policy = ShadowPolicy(
        settings.shadow_sample_rate, settings.noise_sample_rate, settings.shadow_max_in_flight,
        settings.shadow_max_body_bytes, settings.new_timeout, settings.shadow_max_queued_bytes,
        settings.noise_min_evidence, settings.noise_ttl_seconds,
    )  # fmt: skip
    # Only reads are shadowed; a write route with the same pattern must not replace their rules.
    rules = {
        r.pattern: policy.rules(r.shadow_ignore)
        for r in routes.routes
        if r.direction is Direction.READS
    }
    legacy = Origin.parse("legacy", settings.legacy_url)
    shadow = ShadowSender(forwarder, legacy, recorder, rules, metrics, policy)
    guards = {d: DomainGuard(guard_policy(settings)) for d in settings.upstreams}
    # writes never fail open, so never trip; their budget asks control to roll the lane back
    writes = replace(guard_policy(settings), trip_after_failures=0)
    write_guards = {d: DomainGuard(writes) for d in settings.upstreams}
    metrics.watch_writes(lambda: {d: g.budget.window() for d, g in write_guards.items()})
    server = ProxyServer(
        settings, routes, state, forwarder, reporter, shadow, guards, metrics, write_guards
    )
    listener = stats = None
    if settings.control_db_url:
        listener = CutoverListener(
            settings.control_db_url, state, settings.resync_seconds,
            settings.reconnect_max_seconds, lambda up: metrics.control_db_up.set(int(up)),
        )  # fmt: skip
        stats = ShadowStatWriter(settings.control_db_url, recorder, settings.stat_flush_seconds)
    intake = ShadowIntake(routes, server.upstreams, shadow, server.edge.trusted)
    admin = Admin(
        state, shadow, metrics, _readiness(listener), _describe(state, listener, reporter),
        server.trace, intake,
    )  # fmt: skip
    return Worker(settings, server, admin, forwarder, listener, stats)


def _readiness(listener: CutoverListener | None) -> Any:
    return lambda: listener is None or listener.first_attempt.is_set()


def _describe(
    state: CutoverMap, listener: CutoverListener | None, reporter: ControlReporter
) -> Any:
    def describe() -> dict[str, Any]:
        return {
            "control_db_connected": bool(listener and listener.connected),
            "state_loaded_at": state.loaded_at,
            "reports_pending": reporter.pending,
            "cutover": {
                d: {"reads": str(c.reads), "writes": str(c.writes), "version": c.version,
                    "reads_tripped": c.reads_fail_open_tripped}
                for d, c in state.effective.items()
            },
        }  # fmt: skip

    return describe


async def serve(settings: ProxySettings) -> None:
    """Run one worker until SIGTERM or SIGINT."""
    worker = build_worker(settings)
    await worker.start()
    # Everything built so far lives as long as the worker: keep it out of the collector's scans
    # (a full collection would otherwise walk the whole import graph while requests wait).
    gc.collect()
    gc.freeze()
    log.info(
        "proxy worker listening on %s:%s (admin %s:%s)",
        settings.host, settings.port, settings.admin_host, settings.admin_port,
    )  # fmt: skip
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await worker.stop()
