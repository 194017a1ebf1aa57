"""Shadow traffic: after Magento's answer has been written to the shopper, the same read goes
to the domain's new backend in a background task and the two answers are compared. On a
sample, Magento is asked a second time first, and the fields that differ between its two
answers are learned as noise for that route. Reads only: writes are never shadowed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass

from multidict import CIMultiDict

from ficus_proxy.core.routing import Route
from ficus_proxy.errors import UpstreamError
from ficus_proxy.forwarder import Forwarder, Origin
from ficus_proxy.metrics import ProxyMetrics
from ficus_proxy.shadow.core.comparison import IgnoreRules, Outcome, compare, diff_bodies
from ficus_proxy.shadow.core.noise import NoiseLearner
from ficus_proxy.shadow.core.recorder import ShadowRecorder

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
class ShadowPolicy:
    sample_rate: float = 1.0
    noise_sample_rate: float = 0.1
    max_in_flight: int = 64  # comparisons running at once
    max_body_bytes: int = 1024 * 1024
    timeout: float = 5.0
    max_queued_bytes: int = 64 * 1024 * 1024  # copies waiting for a free slot, by body size
    noise_min_evidence: int = 3  # pairs of differing Magento answers before a path is noise
    noise_ttl_seconds: float = 3600.0  # a noise rule's life since its last evidence

    def rules(self, patterns: Iterable[str]) -> IgnoreRules:
        """A route's ignore rules: its static patterns, noise learned with this policy."""
        return IgnoreRules(patterns, NoiseLearner(self.noise_min_evidence, self.noise_ttl_seconds))


class ShadowSender:
    """A queue of shadow copies and `max_in_flight` workers comparing them. A burst waits in
    the queue (bounded by the bytes it holds) instead of being dropped; only a copy that
    would overflow the queue is skipped, and counted."""

    def __init__(
        self,
        forwarder: Forwarder,
        legacy: Origin,
        recorder: ShadowRecorder,
        rules: dict[str, IgnoreRules],
        metrics: ProxyMetrics,
        policy: ShadowPolicy,
    ) -> None:
        self._forwarder = forwarder
        self._legacy = legacy
        self.recorder = recorder
        self.rules = rules
        self._metrics = metrics
        self._policy = policy
        self._queue: asyncio.Queue[ShadowRequest] = asyncio.Queue()
        self._queued_bytes = 0
        self._workers: list[asyncio.Task[None]] = []
        self._busy = 0

    def submit(self, shadow: ShadowRequest) -> None:
        """Queue one comparison; dropped (and counted) when sampled out or the queue is full."""
        domain = shadow.route.domain
        if random.random() >= self._policy.sample_rate:  # noqa: S311 - sampling, not security
            return
        size = _size(shadow)
        if self._queued_bytes + size > self._policy.max_queued_bytes:
            self._metrics.shadow(domain, "skipped")
            self.recorder.skipped(domain)
            return
        self._queued_bytes += size
        self._queue.put_nowait(shadow)
        if len(self._workers) < self._policy.max_in_flight:
            self._workers.append(asyncio.get_running_loop().create_task(self._work()))

    @property
    def pending(self) -> int:
        """Copies queued or being compared."""
        return self._queue.qsize() + self._busy

    async def drain(self, timeout: float) -> None:
        """Finish the queued comparisons (for at most `timeout` seconds), then stop the
        workers; what is left is dropped with the process, as a skipped comparison would be."""
        if self._workers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout)
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers.clear()

    async def _work(self) -> None:
        while True:
            shadow = await self._queue.get()
            self._queued_bytes -= _size(shadow)
            self._busy += 1
            try:
                await self._run(shadow)
            finally:
                self._busy -= 1
                self._queue.task_done()

    async def _run(self, shadow: ShadowRequest) -> None:
        route = shadow.route
        rules = self.rules.get(route.pattern) or self.rules.setdefault(
            route.pattern, self._policy.rules(route.shadow_ignore)
        )
        try:
            if random.random() < self._policy.noise_sample_rate:  # noqa: S311
                await self._learn_noise(shadow, rules)
            new = await self._fetch(shadow.origin, shadow)
        except Exception:  # a shadow must never take the worker down
            log.exception("shadow comparison failed for %s", shadow.raw_path)
            self._metrics.shadow(route.domain, "failed")
            self.recorder.failed(route.domain)
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


def _size(shadow: ShadowRequest) -> int:
    return len(shadow.legacy_body) + len(shadow.body or b"") + 1
