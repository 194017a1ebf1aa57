from __future__ import annotations

from ficus_contracts.guard.breaker import BreakerState, CircuitBreaker, FailureTrip
from ficus_contracts.guard.budget import BudgetPolicy
from ficus_contracts.guard.domain import DomainGuard, GuardPolicy, Rollback, Trip
from tests.unit.proxy.clock import FakeClock


def test_breaker_opens_after_k_consecutive_failures_only() -> None:
    breaker = CircuitBreaker(failures_to_open=3, cooldown=5, clock=FakeClock())
    for _ in range(2):
        breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()


def test_half_open_lets_one_probe_through_after_cooldown() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failures_to_open=1, cooldown=5, clock=clock)
    breaker.record_failure()
    clock.advance(4.9)
    assert not breaker.allow()
    clock.advance(0.2)
    assert breaker.allow()
    assert breaker.state is BreakerState.HALF_OPEN
    assert not breaker.allow()  # only one probe at a time
    breaker.record_failure()  # failed probe re-opens
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()
    clock.advance(5.1)
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow()
    assert breaker.allow()


def test_failure_trip_fires_once_at_k() -> None:
    trip = FailureTrip(3)
    assert [trip.record_failure() for _ in range(5)] == [False, False, True, False, False]
    trip.record_success()
    assert [trip.record_failure() for _ in range(3)] == [False, False, True]


def test_guard_trips_reads_after_three_failures_and_reports_why() -> None:
    guard = DomainGuard(GuardPolicy(trip_after_failures=3), FakeClock())
    assert guard.failed(10, "status 500") == []
    assert guard.failed(10, "status 500") == []
    actions = guard.failed(10, "UpstreamUnavailable")
    trips = [a for a in actions if isinstance(a, Trip)]
    assert len(trips) == 1
    assert trips[0].measured == {"consecutive_failures": 3, "last_failure": "UpstreamUnavailable"}


def test_guard_asks_for_rollback_on_error_budget_breach_then_cools_down() -> None:
    clock = FakeClock()
    policy = GuardPolicy(
        trip_after_failures=1000,
        budget=BudgetPolicy(window_seconds=10, max_error_rate=0.1, min_requests=20),
        rollback_cooldown=30,
    )
    guard = DomainGuard(policy, clock)
    actions: list[object] = []
    for i in range(40):
        clock.advance(0.1)
        actions += guard.succeeded(5) if i % 3 else guard.failed(5, "status 500")
    rollbacks = [a for a in actions if isinstance(a, Rollback)]
    assert len(rollbacks) == 1
    assert rollbacks[0].reason == "error rate over budget"
    assert rollbacks[0].measured["error_rate"] > 0.1
