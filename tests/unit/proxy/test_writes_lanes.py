"""The proxy's side of writes lanes (pure): dual N% by cohort, read your writes, draining, the
customer rows of the route table, and a writes guard that never trips."""

from __future__ import annotations

import pytest

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_contracts.guard.budget import BudgetPolicy
from ficus_contracts.guard.domain import DomainGuard, GuardPolicy, Rollback
from ficus_proxy.core.bucketing import CohortKey, bucket_of
from ficus_proxy.core.routing import RequestFacts, Target, decide, load_routes
from ficus_proxy.settings import DEFAULT_ROUTES
from tests.unit.proxy.clock import FakeClock

TABLE = load_routes(DEFAULT_ROUTES)
ME = "/rest/V1/customers/me"
NEW, LEGACY = Lane(Stage.NEW), Lane()


def state(
    reads: Lane, writes: Lane, tripped: bool = False, draining: bool = False
) -> dict[str, DomainCutover]:
    return {"customer": DomainCutover("customer", reads, writes, tripped, 3, draining)}


def facts(method: str, cookie: str) -> RequestFacts:
    return RequestFacts(method, ME, cohort_cookie=cookie)


def cookies(inside: bool, share: int) -> list[str]:
    """Cohort cookies whose bucket is below `share` (inside) or not."""
    found = (f"c{i}" for i in range(10_000))
    return [c for c in found if (bucket_of(CohortKey("cookie", c)) < share) == inside][:20]


@pytest.mark.parametrize("share", [10, 50, 90])
def test_dual_sends_the_writes_of_a_share_of_buckets_to_the_new_backend(share: int) -> None:
    cutover = state(NEW, Lane(Stage.DUAL, share))
    assert all(
        decide(facts("PUT", c), TABLE, cutover).target is Target.NEW for c in cookies(True, share)
    )
    assert all(
        decide(facts("PUT", c), TABLE, cutover).target is Target.LEGACY
        for c in cookies(False, share)
    )


@pytest.mark.parametrize(
    ("reads", "tripped"), [(LEGACY, False), (Lane(Stage.SHADOW), False), (NEW, True)], ids=str
)
def test_a_shopper_whose_writes_go_to_the_service_reads_from_it(reads: Lane, tripped: bool) -> None:
    cutover = state(reads, Lane(Stage.DUAL, 40), tripped)
    for cookie in cookies(True, 40):
        assert decide(facts("GET", cookie), TABLE, cutover).target is Target.NEW
    otherwise = Target.SHADOW if reads.stage is Stage.SHADOW else Target.LEGACY
    for cookie in cookies(False, 40):
        assert decide(facts("GET", cookie), TABLE, cutover).target is otherwise


def test_reads_share_is_the_larger_of_reads_and_writes() -> None:
    cutover = state(Lane(Stage.CANARY, 70), Lane(Stage.DUAL, 20))
    for cookie in cookies(True, 70):
        assert decide(facts("GET", cookie), TABLE, cutover).target is Target.NEW
    assert decide(facts("GET", "x"), TABLE, state(LEGACY, NEW)).target is Target.NEW


@pytest.mark.parametrize("writes", [Lane(Stage.DUAL, 30), NEW, LEGACY], ids=str)
def test_every_write_of_a_draining_domain_is_draining_and_reads_are_not(writes: Lane) -> None:
    cutover = state(NEW, writes, draining=True)
    for cookie in cookies(True, 30) + cookies(False, 30):
        assert decide(facts("PUT", cookie), TABLE, cutover).target is Target.DRAINING
        assert decide(facts("GET", cookie), TABLE, cutover).target is Target.NEW


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/rest/V1/integration/customer/token"),
        ("POST", "/rest/default/V1/customers"),
        ("POST", "/rest/V1/customers/isEmailAvailable"),
        ("PUT", "/rest/V1/customers/me/password"),
        ("PUT", "/rest/V1/customers/me"),
        ("PUT", "/rest/V1/customers/12"),
        ("DELETE", "/rest/V1/customers/12"),
        ("DELETE", "/rest/V1/addresses/7"),
    ],
)
def test_customer_write_routes(method: str, path: str) -> None:
    matched = TABLE.match(method, path)
    assert matched is not None
    assert (matched.route.domain, matched.route.direction) == ("customer", Direction.WRITES)


@pytest.mark.parametrize(
    "path",
    [
        "/rest/V1/customers/addresses/7",
        "/rest/V1/customers/me/billingAddress",
        "/rest/V1/customers/me/shippingAddress",
        "/rest/V1/customers/12/billingAddress",
        "/rest/V1/customers/me",
        "/rest/V1/customers/12",
    ],
)
def test_customer_read_routes(path: str) -> None:
    matched = TABLE.match("GET", path)
    assert matched is not None
    assert (matched.route.domain, matched.route.direction) == ("customer", Direction.READS)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/rest/V1/integration/admin/token"),  # not the customer domain's
        ("POST", "/rest/V1/customers/12"),  # Magento has no such route
        ("PUT", "/rest/V1/customers"),
    ],
)
def test_what_magento_does_not_route_to_customer_stays_unrouted(method: str, path: str) -> None:
    assert TABLE.match(method, path) is None


def test_a_writes_guard_never_trips_and_asks_for_a_rollback_on_its_budget() -> None:
    clock = FakeClock()
    budget = BudgetPolicy(window_seconds=60, max_error_rate=0.05, min_requests=10)
    guard = DomainGuard(
        GuardPolicy(trip_after_failures=0, breaker_failures=50, budget=budget), clock
    )
    actions = [a for _ in range(9) for a in guard.failed(5.0, "status 500")]
    assert actions == []  # no trip: writes never fail open
    clock.advance(2)
    rollback = guard.failed(5.0, "status 500")
    assert len(rollback) == 1 and isinstance(rollback[0], Rollback)
    assert rollback[0].reason == "error rate over budget"


def test_a_write_refused_by_the_open_breaker_counts_without_prolonging_it() -> None:
    clock = FakeClock()
    budget = BudgetPolicy(min_requests=1000)
    guard = DomainGuard(
        GuardPolicy(trip_after_failures=0, breaker_failures=2, budget=budget), clock
    )
    guard.failed(5.0, "timeout")
    guard.failed(5.0, "timeout")
    assert not guard.allow()
    clock.advance(4)
    guard.rejected()
    clock.advance(1.5)  # 5.5 s after opening: the cool-down (5 s) was not restarted
    assert guard.allow()
    assert sum(slot.errors for slot in guard.budget._slots) == 3
