"""nginx's access log lines as the agent's guard counts them, and the reports it makes: the
proxy's rules (fail-open reads, 404/405 route misses, a failure Magento shares not counted,
writes never trip) and payloads."""

from __future__ import annotations

import json

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_contracts.guard.budget import BudgetPolicy
from ficus_contracts.guard.domain import GuardPolicy, Rollback, Trip
from ficus_nginx.core.accesslog import Outcome, parse
from ficus_nginx.core.watch import Watch, breaker_body, payload
from ficus_nginx.settings import guard_policy


def line(decision: str, upstream: str, times: str, status: int = 200) -> str:
    return json.dumps({"t": 1.0, "d": decision, "s": status, "us": upstream, "ut": times})


def test_a_read_the_new_backend_answered() -> None:
    assert parse(line("read:catalog", "200", "0.012")) == Outcome(
        "catalog", Direction.READS, "ok", 12.0
    )


def test_a_read_that_fell_back_counts_unless_magento_failed_too() -> None:
    failed = parse(line("read:catalog", "502 : 200", "0.001 : 0.020"))
    assert failed == Outcome("catalog", Direction.READS, "failed", 1.0, "status 502", True)
    shared = parse(line("read:catalog", "500 : 404", "0.003 : 0.004", 404))
    assert shared is not None and shared.verdict == "inconclusive"
    miss = parse(line("read:catalog", "404 : 200", "0.002 : 0.010"))
    assert miss is not None and (miss.verdict, miss.reason) == ("failed", "route_miss")


def test_a_reads_own_404_passed_on_is_an_answer_not_a_miss() -> None:
    own = parse(line("read:catalog", "404", "0.002", 404))
    assert own is not None and own.verdict == "ok"


def test_a_write_the_open_breaker_refused_counts_as_rejected() -> None:
    refused = parse(line("reject:customer", "", "", 503))
    assert refused == Outcome("customer", Direction.WRITES, "rejected", 0.0, "breaker_open")
    watch = Watch(GuardPolicy(budget=BudgetPolicy(min_requests=1)), clock=lambda: 0.0)
    actions = watch.observe(refused)  # an error for the writes budget (the proxy's rejected())
    assert [(type(a), a.reason) for a in actions] == [(Rollback, "error rate over budget")]


def test_the_breaker_changes_nginx_is_told() -> None:
    watch = Watch(GuardPolicy(trip_after_failures=0, breaker_failures=2), clock=lambda: 0.0)
    failed = parse(line("read:catalog", "502 : 200", "0.001 : 0.020"))
    ok = parse(line("read:catalog", "200", "0.001"))
    shared = parse(line("read:catalog", "500 : 404", "0.003 : 0.004", 404))
    assert failed and ok and shared
    assert [watch.record(failed).breaker for _ in range(2)] == [None, "open"]
    assert watch.record(shared).breaker == "release"  # the probe said nothing: another may go
    assert watch.record(failed).breaker == "open"  # the probe failed: cool down again
    assert watch.record(ok).breaker == "closed"
    assert watch.record(ok).breaker is None


def test_breaker_bodies() -> None:
    policy = GuardPolicy(breaker_cooldown=7.0)
    opened = breaker_body("catalog", Direction.READS, "open", policy, 5.0)
    assert opened == {"key": "catalog:r", "state": "open", "cooldown": 7.0, "probe": 6.0}
    closed = breaker_body("customer", Direction.WRITES, "closed", policy, 5.0)
    assert closed == {"key": "customer:w", "state": "closed"}


def test_writes_fail_on_5xx_and_405_not_on_404() -> None:
    unwritable = parse(line("write:customer", "503", "0.004", 503))
    assert unwritable is not None and unwritable.direction is Direction.WRITES
    assert unwritable.verdict == "failed"
    not_found = parse(line("write:customer", "404", "0.004", 404))
    assert not_found is not None and not_found.verdict == "ok"


def test_lines_that_are_not_a_new_backends_are_ignored() -> None:
    assert parse(line("legacy:-", "200", "0.001")) is None
    as_nginx_writes_it = '{"t":1.0,"rid":"r","d":"legacy:-","s":200,"us":"200","ut":"0.001"}'
    assert parse(as_nginx_writes_it) is None
    assert parse(line("drain:customer", "", "")) is None
    assert parse("not json") is None
    refused = parse(line("read:catalog", "- : 200", "- : 0.003"))
    assert refused is not None and refused.reason == "no answer"


def test_three_failed_reads_trip_and_writes_never_do() -> None:
    watch = Watch(GuardPolicy(trip_after_failures=3), clock=lambda: 0.0)
    failed = Outcome("catalog", Direction.READS, "failed", 1.0, "status 500")
    actions = [watch.observe(failed) for _ in range(3)]
    assert actions[:2] == [[], []]
    assert isinstance(actions[2][0], Trip)
    write = Outcome("catalog", Direction.WRITES, "failed", 1.0, "status 500")
    assert all(not watch.observe(write) for _ in range(5))


def test_the_budget_asks_for_a_rollback_with_the_measured_lane() -> None:
    policy = GuardPolicy(budget=BudgetPolicy(min_requests=5, max_p99_ms=20))
    now = [0.0]
    watch = Watch(policy, clock=lambda: now[0])
    slow = Outcome("catalog", Direction.READS, "ok", 60.0)
    assert [a for _ in range(5) for a in watch.observe(slow)] == []  # checked once a second
    now[0] = 2.0
    actions = watch.observe(slow)
    assert len(actions) == 1 and isinstance(actions[0], Rollback)
    seen = DomainCutover("catalog", Lane(Stage.CANARY, 20))
    body = payload(Direction.READS, actions[0], seen)
    assert body["seen_reads"] == "canary 20%"
    assert (body["actor"], body["reason"]) == ("proxy:auto", "p99 latency over budget")


def test_thresholds_come_from_the_proxys_settings_unless_the_planes_own_are_set() -> None:
    env = {"FICUS_PROXY_TRIP_AFTER_FAILURES": "7", "FICUS_PROXY_BUDGET_MAX_P99_MS": "250",
           "FICUS_NGINX_BUDGET_MAX_P99_MS": "300"}  # fmt: skip
    policy = guard_policy(env)
    assert policy.trip_after_failures == 7
    assert policy.budget.max_p99_ms == 300
    assert guard_policy({}) == GuardPolicy()
