"""Shadow traffic: after Magento's answer has been written to the shopper, the same read goes
to the domain's new backend in a background task and the two answers are compared. On a
sample, Magento is asked a second time first, and the fields that differ between its two
answers are learned as noise for that route. Reads only: writes are never shadowed."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass

from multidict import CIMultiDict

from ficus_proxy.errors import UpstreamError
from ficus_proxy.forwarder import Forwarder, Origin
from ficus_proxy.metrics import ProxyMetrics
from ficus_proxy.routing import Route
from ficus_proxy.shadow import IgnoreRules, Outcome, ShadowRecorder, compare, diff_bodies

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShadowRequest:
    origin: Origin
    route: Route
    method: str
    raw_path: str
    headers: CIMultiDict[str]
    body: bytes | None
    legacy_status: int
    legacy_body: bytes


@dataclass(frozen=True)
class MirrorPolicy:
    sample_rate: float = 1.0
    noise_sample_rate: float = 0.1
    max_in_flight: int = 64
    max_body_bytes: int = 1024 * 1024
    timeout: float = 5.0


class Mirror:
    def __init__(
        self,
        forwarder: Forwarder,
        legacy: Origin,
        recorder: ShadowRecorder,
        rules: dict[str, IgnoreRules],
        metrics: ProxyMetrics,
        policy: MirrorPolicy,
    ) -> None:
        self._forwarder = forwarder
        self._legacy = legacy
        self.recorder = recorder
        self.rules = rules
        self._metrics = metrics
        self._policy = policy
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, shadow: ShadowRequest) -> None:
        """Schedule one comparison; dropped (and counted) when sampled out or over capacity."""
        domain = shadow.route.domain
        if random.random() >= self._policy.sample_rate:  # noqa: S311 - sampling, not security
            return
        if len(self._tasks) >= self._policy.max_in_flight:
            self._metrics.shadow(domain, "skipped")
            return
        task = asyncio.get_running_loop().create_task(self._run(shadow))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run(self, shadow: ShadowRequest) -> None:
        route = shadow.route
        rules = self.rules.setdefault(route.pattern, IgnoreRules(route.shadow_ignore))
        try:
            if random.random() < self._policy.noise_sample_rate:  # noqa: S311
                await self._learn_noise(shadow, rules)
            new = await self._fetch(shadow.origin, shadow)
        except Exception:  # a shadow must never take the worker down
            log.exception("shadow comparison failed for %s", shadow.raw_path)
            return
        status, diffs = compare(rules, (shadow.legacy_status, shadow.legacy_body), new)
        outcome = Outcome(
            route.domain, route.pattern, shadow.method, shadow.raw_path,
            shadow.legacy_status, status, diffs,
        )  # fmt: skip
        self.recorder.record(outcome)
        self._metrics.shadow(route.domain, "mismatch" if outcome.mismatch else "match")

    async def _learn_noise(self, shadow: ShadowRequest, rules: IgnoreRules) -> None:
        again = await self._fetch(self._legacy, shadow)
        if again is None or again[0] != shadow.legacy_status:
            return
        learned = rules.learn(diff_bodies(shadow.legacy_body, again[1]))
        if learned:
            log.info("shadow noise learned for %s: %s", shadow.route.pattern, learned)

    async def _fetch(self, origin: Origin, shadow: ShadowRequest) -> tuple[int, bytes] | None:
        try:
            response = await self._forwarder.send(
                shadow.method, origin.url(shadow.raw_path), shadow.headers, shadow.body,
                self._policy.timeout,
            )  # fmt: skip
            return response.status, await response.read(self._policy.max_body_bytes)
        except UpstreamError:
            return None
