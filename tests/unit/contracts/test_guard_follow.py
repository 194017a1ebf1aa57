"""A domain's guard judges the cutover state it measured under: the failures of a lane that
was rolled back do not roll back the next cutover (the e2e walk's second flake: the proxy's
budget still held test_failopen's errors when a later test moved reads to new)."""

from __future__ import annotations

from ficus_contracts.guard.budget import BudgetPolicy
from ficus_contracts.guard.domain import DomainGuard, GuardPolicy, Rollback

POLICY = GuardPolicy(trip_after_failures=3, budget=BudgetPolicy(min_requests=4), check_every=0)


def test_a_new_version_starts_the_budget_afresh() -> None:
    guard = DomainGuard(POLICY, clock=lambda: 0.0)
    guard.follow(7)
    for _ in range(2):
        assert guard.failed(5.0, "status 502") == []
    guard.follow(9)  # rolled back, re-enabled, moved to new again
    assert [a for _ in range(4) for a in guard.succeeded(5.0)] == []


def test_a_new_version_starts_the_trip_count_afresh() -> None:
    guard = DomainGuard(POLICY, clock=lambda: 0.0)
    guard.follow(7)
    for _ in range(2):
        guard.failed(5.0, "status 502")
    guard.follow(9)
    assert [a for _ in range(2) for a in guard.failed(5.0, "status 502")] == []  # 2, not 4


def test_the_same_version_keeps_measuring() -> None:
    guard = DomainGuard(POLICY, clock=lambda: 0.0)
    guard.follow(7)
    for _ in range(2):
        guard.failed(5.0, "status 502")
    guard.follow(7)
    actions = [a for _ in range(2) for a in guard.succeeded(5.0)]
    assert [type(a) for a in actions] == [Rollback]  # 2 errors in 4: over the 5 % budget
