"""Shadow results per domain: counts per route and status class, the mismatch rate over a
window, a bounded ring of mismatch samples, and the per-minute deltas not yet flushed to the
control DB. Pure: no I/O; the clock is passed in.

The window and the flushed deltas (what control's gates read) hold only comparisons that
exercised the new backend's logic (`Outcome.exercised`): a flood of requests both sides refuse
alike (`GET /rest/V1/products/nope`, anonymous 401s) is counted under its route and status
class, and cannot dilute the mismatch rate."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ficus_proxy.shadow.core.comparison import Outcome

MAX_DIFFS_PER_SAMPLE = 20


@dataclass
class _DomainStats:
    compared: int = 0
    mismatched: int = 0
    exercised: int = 0  # of `compared`: the comparisons a gate reads
    # route pattern → "legacy class/new class" → [compared, mismatched]; both keys are bounded
    # (the route table's patterns, six status classes each side)
    by_route: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    skipped: int = 0  # not compared: over the in-flight limit
    failed: int = 0  # not compared: the comparison itself broke (logged)
    minutes: deque[list[int]] = field(default_factory=deque)  # [minute_start, compared, mism.]
    samples: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=50))


class ShadowRecorder:
    """Counts per domain, a per-minute series for the mismatch rate over a window, a bounded
    ring of mismatch samples, and the not-yet-flushed per-minute deltas for the control DB."""

    def __init__(
        self,
        window_seconds: int = 300,
        max_samples: int = 50,
        clock: Callable[[], float] = time.time,
        keep_unflushed: bool = True,
    ) -> None:
        self.window_seconds = window_seconds
        self.keep_unflushed = keep_unflushed
        self.max_samples = max_samples
        self._clock = clock
        self._stats: dict[str, _DomainStats] = {}
        self._unflushed: dict[tuple[str, int], list[int]] = {}

    def record(self, outcome: Outcome) -> None:
        stats = self._domain(outcome.domain)
        bad = int(outcome.mismatch)
        stats.compared += 1
        stats.mismatched += bad
        classes = stats.by_route.setdefault(outcome.route, {})
        counts = classes.setdefault(outcome.status_classes, [0, 0])
        counts[0] += 1
        counts[1] += bad
        if bad:
            stats.samples.append(self._sample(outcome))
        if outcome.exercised:
            self._exercised(stats, outcome.domain, bad)

    def _exercised(self, stats: _DomainStats, domain: str, bad: int) -> None:
        """Into the window and the deltas flushed for control's gates."""
        stats.exercised += 1
        minute = int(self._clock()) // 60 * 60
        if not stats.minutes or stats.minutes[-1][0] != minute:
            stats.minutes.append([minute, 0, 0])
        stats.minutes[-1][1] += 1
        stats.minutes[-1][2] += bad
        if self.keep_unflushed:  # off when nothing flushes them (no control DB)
            pending = self._unflushed.setdefault((domain, minute), [0, 0])
            pending[0] += 1
            pending[1] += bad

    def skipped(self, domain: str) -> None:
        self._domain(domain).skipped += 1

    def failed(self, domain: str) -> None:
        self._domain(domain).failed += 1

    def drain(self) -> dict[tuple[str, int], list[int]]:
        """Take the per-(domain, minute) [compared, mismatched] deltas not flushed yet."""
        drained, self._unflushed = self._unflushed, {}
        return drained

    def restore(self, deltas: dict[tuple[str, int], list[int]]) -> None:
        """Put back deltas whose flush failed, so they are retried."""
        for key, (compared, mismatched) in deltas.items():
            pending = self._unflushed.setdefault(key, [0, 0])
            pending[0] += compared
            pending[1] += mismatched

    def report(self, domain: str | None = None) -> dict[str, Any]:
        names = [domain] if domain is not None else sorted(self._stats)
        return {
            "window_seconds": self.window_seconds,
            "domains": {name: self._domain_report(name) for name in names},
        }

    def _domain_report(self, name: str) -> dict[str, Any]:
        # asking about a domain never seen creates nothing (the name comes from a request)
        stats = self._domain(name) if name in self._stats else _DomainStats()
        horizon = self._clock() - self.window_seconds
        recent = [m for m in stats.minutes if m[0] + 60 > horizon]
        compared = sum(m[1] for m in recent)
        mismatched = sum(m[2] for m in recent)
        return {
            "compared": stats.compared,
            "mismatched": stats.mismatched,
            "exercised": stats.exercised,
            "by_route": {
                route: {pair: {"compared": c, "mismatched": m} for pair, (c, m) in classes.items()}
                for route, classes in stats.by_route.items()
            },
            "skipped": stats.skipped,
            "failed": stats.failed,
            "window": {
                "compared": compared,
                "mismatched": mismatched,
                "mismatch_rate": mismatched / compared if compared else None,
            },
            "samples": list(stats.samples),
        }

    def _domain(self, name: str) -> _DomainStats:
        stats = self._stats.get(name)
        if stats is None:
            stats = self._stats[name] = _DomainStats(samples=deque(maxlen=self.max_samples))
        horizon = self._clock() - self.window_seconds - 60
        while stats.minutes and stats.minutes[0][0] < horizon:
            stats.minutes.popleft()
        return stats

    def _sample(self, outcome: Outcome) -> dict[str, Any]:
        return {
            "at": self._clock(),
            "route": outcome.route,
            "method": outcome.method,
            "path": outcome.path,
            "legacy_status": outcome.legacy_status,
            "new_status": outcome.new_status,
            "differences": [d.as_json() for d in outcome.differences[:MAX_DIFFS_PER_SAMPLE]],
        }
