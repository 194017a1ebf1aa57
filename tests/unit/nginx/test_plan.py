"""The plan nginx looks up per route is the Python proxy's decision for every cutover state."""

from __future__ import annotations

import itertools

import pytest

from ficus_contracts.cutover import (
    READS_STAGES,
    WRITES_STAGES,
    DomainCutover,
    Lane,
    Stage,
)
from ficus_nginx.core.plan import LEGACY, plan_for
from ficus_proxy.core.bucketing import CohortKey, bucket_of
from ficus_proxy.core.routing import RequestFacts, Target, decide, parse_routes

TABLE = parse_routes(
    {
        "routes": [
            {"domain": "catalog", "access": "read", "methods": ["GET"], "paths": ["/V1/x"]},
            {"domain": "catalog", "access": "write", "methods": ["PUT"], "paths": ["/V1/x"]},
        ]
    }
)
UPSTREAMS = frozenset({"catalog"})
MODE = {Target.LEGACY: LEGACY, Target.SHADOW: LEGACY, Target.DRAINING: "drain:catalog"}


def lanes(stages: tuple[Stage, ...]) -> list[Lane]:
    return [
        Lane(s, p) for s in stages for p in ((10, 50) if s.value in ("canary", "dual") else (0,))
    ]


STATES = [
    DomainCutover("catalog", reads, writes, tripped, 1, draining)
    for reads, writes, tripped, draining in itertools.product(
        lanes(READS_STAGES), lanes(WRITES_STAGES), (False, True), (False, True)
    )
]


def _cookie_in(bucket: int) -> str:
    return next(c for c in map(str, range(10_000)) if bucket_of(CohortKey("cookie", c)) == bucket)


LOW, HIGH = _cookie_in(0), _cookie_in(99)


def proxy_sides(state: DomainCutover, method: str, access: str) -> set[str]:
    """Where the Python proxy sends a shopper of bucket 0 and one of bucket 99."""
    sides = set()
    for cookie in (LOW, HIGH):
        facts = RequestFacts(method, "/rest/V1/x", cohort_cookie=cookie)
        target = decide(facts, TABLE, {"catalog": state}).target
        sides.add(f"{access}:catalog" if target is Target.NEW else MODE[target])
    return sides


def nginx_sides(plan: str) -> set[str]:
    if not plan.startswith("split:"):
        return {plan}
    _, share, mode, domain, other, other_domain, _ = plan.split(":")
    assert 0 < int(share) < 100
    return {f"{mode}:{domain}", f"{other}:{other_domain}"}


@pytest.mark.parametrize("state", STATES, ids=str)
def test_plans_follow_the_proxy_decision(state: DomainCutover) -> None:
    for key, method, access in (("catalog:r", "GET", "read"), ("catalog:w", "PUT", "write")):
        plan = plan_for(key, {"catalog": state}, UPSTREAMS, 60)
        assert nginx_sides(plan) == proxy_sides(state, method, access)


def test_a_domain_without_a_new_backend_or_a_row_stays_on_magento() -> None:
    state = DomainCutover("catalog", Lane(Stage.NEW), Lane(Stage.NEW))
    assert plan_for("catalog:r", {"catalog": state}, frozenset(), 60) == LEGACY
    assert plan_for("catalog:r", {}, UPSTREAMS, 60) == LEGACY


def test_read_your_writes_and_trips() -> None:
    dual = DomainCutover("catalog", Lane(Stage.LEGACY), Lane(Stage.DUAL, 25))
    assert plan_for("catalog:r", {"catalog": dual}, UPSTREAMS, 9) == (
        "split:25:read:catalog:legacy:-:9"
    )
    tripped = DomainCutover("catalog", Lane(Stage.NEW), Lane(Stage.LEGACY), True)
    assert plan_for("catalog:r", {"catalog": tripped}, UPSTREAMS, 9) == LEGACY
    draining = DomainCutover("catalog", Lane(Stage.NEW), Lane(Stage.NEW), writes_draining=True)
    assert plan_for("catalog:w", {"catalog": draining}, UPSTREAMS, 9) == "drain:catalog"
    assert plan_for("catalog:r", {"catalog": draining}, UPSTREAMS, 9) == "read:catalog"


def test_shadow_reads_are_handed_to_a_comparer_when_there_is_one() -> None:
    shadow = {"catalog": DomainCutover("catalog", Lane(Stage.SHADOW))}
    assert plan_for("catalog:r", shadow, frozenset({"catalog"}), 60) == LEGACY
    assert plan_for("catalog:r", shadow, frozenset({"catalog"}), 60, True) == "shadow:catalog"
    dual = {"catalog": DomainCutover("catalog", Lane(Stage.SHADOW), Lane(Stage.DUAL, 10))}
    split = "split:10:read:catalog:shadow:catalog:60"  # the proxy: NEW below 10, else SHADOW
    assert plan_for("catalog:r", dual, frozenset({"catalog"}), 60, True) == split
    tripped = {
        "catalog": DomainCutover("catalog", Lane(Stage.SHADOW), reads_fail_open_tripped=True)
    }
    assert plan_for("catalog:r", tripped, frozenset({"catalog"}), 60, True) == LEGACY
