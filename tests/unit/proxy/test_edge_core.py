"""The pure pieces of the shopper edge (#12): token buckets, the decision trace, which answers
of a new backend are failures and which failures count against it."""

from __future__ import annotations

import pytest

from ficus_contracts.guard.domain import DomainGuard, GuardPolicy
from ficus_proxy.core.failure import counts_against_new, is_route_miss
from ficus_proxy.core.ratelimit import RateLimit, TokenBuckets
from ficus_proxy.core.trace import Trace
from tests.unit.proxy.clock import FakeClock


def test_a_bucket_allows_its_burst_then_answers_how_long_to_wait() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(RateLimit(rate=2.0, burst=3), clock=clock)
    assert [buckets.take("ip") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("ip") == pytest.approx(0.5)
    assert buckets.take("other") == 0.0  # keys are independent
    clock.advance(0.5)
    assert buckets.take("ip") == 0.0


def test_buckets_are_bounded_idle_ones_forgotten_first() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(RateLimit(rate=1.0, burst=1), max_keys=3, clock=clock)
    buckets.take("busy")
    clock.advance(10)  # "busy" has refilled: idle
    buckets.take("a")
    buckets.take("b")
    buckets.take("c")  # full: the idle bucket goes
    assert len(buckets) == 3
    for key in "defgh":
        buckets.take(key)
    assert len(buckets) <= 3


def test_the_trace_keeps_the_last_answers_and_finds_one_request() -> None:
    trace = Trace(size=3, clock=FakeClock())
    for i in range(5):
        trace.add(f"r{i}", "GET", f"/p{i}", "catalog" if i % 2 else None, "legacy", 200)
    assert [e.request_id for e in trace.find()] == ["r2", "r3", "r4"]
    assert [e.path for e in trace.find("r3")] == ["/p3"]
    assert trace.find("r0") == [] and trace.find(limit=1)[0].request_id == "r4"
    assert trace.find(limit=0) == []


@pytest.mark.parametrize(
    ("status", "body", "miss"),
    [
        (404, b'{"detail":"Not Found"}', True),
        (405, b'{"detail": "Method Not Allowed"}', True),
        (404, b'{"message":"The product that was requested doesn\'t exist."}', False),
        (404, b'{"detail":"Not Found","extra":1}', False),
        (404, b"not json", False),
        (404, None, False),
        (200, b'{"detail":"Not Found"}', False),
    ],
)
def test_route_miss_is_only_the_framework_answer(status: int, body: bytes, miss: bool) -> None:
    assert is_route_miss(status, body) is miss


def test_a_failure_counts_only_when_magento_answered() -> None:
    assert counts_against_new(200) and counts_against_new(304)
    assert not counts_against_new(400) and not counts_against_new(404)
    assert not counts_against_new(500) and not counts_against_new(504)


def test_an_inconclusive_failure_leaves_the_counters_and_frees_the_half_open_probe() -> None:
    clock = FakeClock()
    guard = DomainGuard(GuardPolicy(trip_after_failures=2, breaker_failures=1), clock)
    assert guard.allow()
    assert guard.failed(1.0, "status 500") == []  # breaker open after 1
    clock.advance(10)
    assert guard.allow()  # the half-open probe...
    guard.inconclusive()  # ...hit a request Magento refused too
    assert guard.allow()  # another probe may go
    assert [type(a).__name__ for a in guard.failed(1.0, "status 500")] == ["Trip"]
