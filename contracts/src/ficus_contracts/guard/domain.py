"""Per-domain protection of a new backend, sans-IO: the server reports outcomes, the guard
answers with what to do (nothing, trip the reads, ask for a rollback). Pure: the clock is
passed in. A domain has one guard for its reads and one for its writes; the writes guard never
trips (`trip_after_failures=0`: writes never fail open), its budget asks for a rollback of the
writes lane.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ficus_contracts.guard.breaker import BreakerState, CircuitBreaker, FailureTrip
from ficus_contracts.guard.budget import BudgetPolicy, ErrorBudget


@dataclass(frozen=True)
class GuardPolicy:
    trip_after_failures: int = 3  # 0: never trip
    breaker_failures: int = 5
    breaker_cooldown: float = 5.0
    budget: BudgetPolicy = BudgetPolicy()
    rollback_cooldown: float = 30.0
    check_every: float = 1.0


@dataclass(frozen=True)
class Trip:
    reason: str
    measured: dict[str, Any]


@dataclass(frozen=True)
class Rollback:
    reason: str
    measured: dict[str, Any]


Action = Trip | Rollback


class DomainGuard:
    def __init__(self, policy: GuardPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self.breaker = CircuitBreaker(policy.breaker_failures, policy.breaker_cooldown, clock)
        self.trip = FailureTrip(policy.trip_after_failures)
        self.budget = ErrorBudget(policy.budget, clock)
        self._checked_at = float("-inf")
        self._rolled_back_at = float("-inf")
        self._version: int | None = None

    def follow(self, version: int) -> None:
        """The budget and the trip count judge the cutover state they were measured under: a
        new version of the domain's row starts them afresh (after a rollback, a re-enable
        and a new cutover, the failures from before must not roll the new lane back). The
        breaker, about the backend's health, carries on."""
        if version != self._version:
            self._version = version
            self.budget.reset()
            self.trip.reset()

    @property
    def breaker_state(self) -> BreakerState:
        return self.breaker.state

    def allow(self) -> bool:
        return self.breaker.allow()

    def succeeded(self, latency_ms: float) -> list[Action]:
        self.breaker.record_success()
        self.trip.record_success()
        self.budget.record(latency_ms, error=False)
        return self._check_budget()

    def inconclusive(self) -> None:
        """The new backend failed a request Magento failed too: the request was at fault, so
        nothing counts (a half-open probe is released, counters stay as they are)."""
        self.breaker.release_probe()

    def rejected(self) -> list[Action]:
        """The open breaker refused the request: an error for the budget, nothing for the
        breaker (its cool-down is not prolonged)."""
        self.budget.record(0.0, error=True)
        return self._check_budget()

    def failed(self, latency_ms: float, reason: str) -> list[Action]:
        self.breaker.record_failure()
        self.budget.record(latency_ms, error=True)
        actions: list[Action] = []
        if self.policy.trip_after_failures and self.trip.record_failure():
            self.trip.reset()
            count = self.policy.trip_after_failures
            measured = {"consecutive_failures": count, "last_failure": reason}
            actions.append(Trip(f"{count} consecutive failed reads on the new backend", measured))
        return actions + self._check_budget()

    def _check_budget(self) -> list[Action]:
        now = self._clock()
        if now - self._checked_at < self.policy.check_every:
            return []
        self._checked_at = now
        breach = self.budget.evaluate()
        if breach is None or now - self._rolled_back_at < self.policy.rollback_cooldown:
            return []
        self._rolled_back_at = now
        self.budget.reset()
        return [Rollback(breach.reason, breach.measured())]
