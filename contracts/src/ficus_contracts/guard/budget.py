"""Error-rate and p99 budget of a domain's new backend over a sliding window. Pure: the clock
is passed in. A breach asks the control plane to move the domain's reads one stage back.

The budget is criteria (`BudgetPolicy.criteria`: error rate and p99 within their limits over at
least `min_requests` answers) judged by the one evaluator of every gate
(`ficus_contracts.criteria`) over the window's readings: a criterion unmet is a breach; too
few answers is no evidence, never a breach (an automatic rollback needs evidence).

Outcomes are kept in one-second slots (count, errors, latency histogram with fixed bounds), so
recording is O(1) and evaluating is O(window x bounds), done at most once per `check_every`.
"""

from __future__ import annotations

import bisect
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from ficus_contracts.criteria.evaluate import Reading, SignalSnapshot, Status, evaluate
from ficus_contracts.criteria.model import Criterion, Op, Signal

LATENCY_BOUNDS_MS = (
    *(1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 300, 400, 500),
    *(750, 1000, 1500, 2000, 3000, 5000, 10000),
)


@dataclass(frozen=True)
class BudgetPolicy:
    window_seconds: int = 60
    max_error_rate: float = 0.05
    max_p99_ms: float = 500.0
    min_requests: int = 50

    def criteria(self) -> tuple[Criterion, ...]:
        """What the window must hold, in the order a breach names them."""
        return (
            Criterion(
                "error rate over budget", Signal.BUDGET_ERROR_RATE, Op.LE, self.max_error_rate,
                f"<= {self.max_error_rate:.2%}", min_samples=self.min_requests,
            ),
            Criterion(
                "p99 latency over budget", Signal.BUDGET_P99, Op.LE, self.max_p99_ms,
                f"<= {self.max_p99_ms:g}ms", min_samples=self.min_requests,
            ),
        )  # fmt: skip


@dataclass(frozen=True)
class Breach:
    reason: str
    requests: int
    errors: int
    error_rate: float
    p99_ms: float

    def measured(self) -> dict[str, float | int]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "error_rate": round(self.error_rate, 4),
            "p99_ms": self.p99_ms,
        }


@dataclass(frozen=True)
class BudgetWindow:
    """What the budget's window holds now: answers, errors among them, their p99 (ms, a
    bound of the histogram; None while the window is empty)."""

    requests: int
    errors: int
    p99_ms: float | None

    def snapshot(self) -> SignalSnapshot:
        """The window as the readings its criteria judge (an empty window: no evidence)."""
        if not self.requests:
            return SignalSnapshot()
        return SignalSnapshot({
            Signal.BUDGET_ERROR_RATE: Reading(self.errors / self.requests, self.requests),
            Signal.BUDGET_P99: Reading(self.p99_ms, self.requests),
        })  # fmt: skip


@dataclass
class _Slot:
    second: int
    count: int = 0
    errors: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BOUNDS_MS) + 1))


class ErrorBudget:
    def __init__(self, policy: BudgetPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._slots: deque[_Slot] = deque()

    def record(self, latency_ms: float, error: bool) -> None:
        second = int(self._clock())
        if not self._slots or self._slots[-1].second != second:
            self._slots.append(_Slot(second))
            self._expire(second)
        slot = self._slots[-1]
        slot.count += 1
        slot.errors += error
        slot.histogram[bisect.bisect_left(LATENCY_BOUNDS_MS, latency_ms)] += 1

    def window(self) -> BudgetWindow:
        """The current window's figures (what the proxy's metrics expose for writes)."""
        self._expire(int(self._clock()))
        count = sum(s.count for s in self._slots)
        errors = sum(s.errors for s in self._slots)
        return BudgetWindow(count, errors, self._p99(count) if count else None)

    def evaluate(self) -> Breach | None:
        """The breach over the current window, if any; None while there is too little data."""
        window = self.window()
        results = evaluate(self.policy.criteria(), window.snapshot())
        unmet = [result for result in results if result.status is Status.UNMET]
        if not unmet:
            return None
        rate = window.errors / window.requests
        return Breach(unmet[0].name, window.requests, window.errors, rate, window.p99_ms or 0.0)

    def reset(self) -> None:
        self._slots.clear()

    def _p99(self, count: int) -> float:
        merged = [sum(col) for col in zip(*(s.histogram for s in self._slots), strict=True)]
        rank = count * 0.99
        seen = 0
        for index, n in enumerate(merged):
            seen += n
            if seen >= rank:
                return float(LATENCY_BOUNDS_MS[min(index, len(LATENCY_BOUNDS_MS) - 1)])
        return float(LATENCY_BOUNDS_MS[-1])

    def _expire(self, now_second: int) -> None:
        horizon = now_second - self.policy.window_seconds
        while self._slots and self._slots[0].second <= horizon:
            self._slots.popleft()
