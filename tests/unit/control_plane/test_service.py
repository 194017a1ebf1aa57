"""The cutover service's handlers against in-memory ports."""

from __future__ import annotations

import pytest

from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.cutover import CutoverService, DomainRegistry, LagReading, ShadowWindow
from ficus_control.cutover.core.audit import Action
from ficus_control.cutover.inmemory import FixedLag, InMemoryStore
from ficus_control.errors import (
    GateRefused,
    InvalidRequest,
    TransitionRefused,
    UnknownDomain,
)

R = Direction.READS
SHADOW, NEW = Lane(Stage.SHADOW), Lane(Stage.NEW)


def canary(percent: int) -> Lane:
    return Lane(Stage.CANARY, percent)


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore(shadow=ShadowWindow(compared=500, mismatched=0))


@pytest.fixture
def lag() -> FixedLag:
    return FixedLag()


@pytest.fixture
def service(store: InMemoryStore, lag: FixedLag) -> CutoverService:
    return CutoverService(DomainRegistry(["catalog", "customer"]), store, store, store, lag)


def walk_to_new(service: CutoverService) -> None:
    for lane in (SHADOW, canary(10), canary(50), NEW):
        service.cutover("catalog", R, lane, "alice")


def test_walk_and_audit(service: CutoverService, store: InMemoryStore) -> None:
    walk_to_new(service)
    state = service.get("catalog")
    assert (state.reads, state.version) == (NEW, 4)
    assert [str(r.entry.to_lane) for r in store.log] == [
        "shadow",
        "canary 10%",
        "canary 50%",
        "new",
    ]
    assert store.notified == ["catalog"] * 4
    assert store.log[-1].entry.measured["gates"][0]["passed"] is True


def test_rollback_walks_back_the_way_it_came(service: CutoverService) -> None:
    walk_to_new(service)
    lanes = [str(service.rollback("catalog", R, "alice").reads) for _ in range(4)]
    assert lanes == ["canary 50%", "canary 10%", "shadow", "legacy"]


def test_unknown_domain_changes_nothing(service: CutoverService, store: InMemoryStore) -> None:
    with pytest.raises(UnknownDomain, match="unknown domain 'catlog'; known domains: catalog"):
        service.cutover("catlog", R, SHADOW, "alice")
    assert store.rows == {} and store.log == []


def test_gate_refusal_names_gate_and_value(
    service: CutoverService, store: InMemoryStore, lag: FixedLag
) -> None:
    service.cutover("catalog", R, SHADOW, "alice")
    lag.reading = LagReading(7.5, 1200)
    with pytest.raises(
        GateRefused, match=r"forward_lag unmet: measured 7.5s \(1200 events behind\)"
    ):
        service.cutover("catalog", R, canary(10), "alice")
    assert service.get("catalog").reads == SHADOW
    assert len(store.log) == 1


def test_force_needs_a_reason_and_is_audited(
    service: CutoverService, store: InMemoryStore, lag: FixedLag
) -> None:
    service.cutover("catalog", R, SHADOW, "alice")
    lag.reading = LagReading(error="sync unreachable")
    with pytest.raises(InvalidRequest, match="needs a --reason"):
        service.cutover("catalog", R, canary(10), "alice", force=True)
    service.cutover("catalog", R, canary(10), "alice", force=True, reason="sync is being moved")
    entry = store.log[-1].entry
    assert (entry.forced, entry.reason) == (True, "sync is being moved")
    assert entry.measured["forward_lag"]["error"] == "sync unreachable"


def test_trip_then_reenable(service: CutoverService, store: InMemoryStore) -> None:
    service.cutover("catalog", R, SHADOW, "alice")
    service.cutover("catalog", R, canary(10), "alice")
    tripped = service.trip("catalog", R, "proxy:a", "3 failures", {"failures": 3})
    assert tripped.reads_fail_open_tripped and tripped.reads == canary(10)
    assert service.trip("catalog", R, "proxy:b", "again").version == tripped.version  # idempotent
    again = service.reenable("catalog", "alice", "catalog service fixed")
    assert not again.reads_fail_open_tripped
    assert [r.entry.action for r in store.log[-2:]] == [Action.TRIP, Action.REENABLE]
    with pytest.raises(TransitionRefused, match="not tripped"):
        service.reenable("catalog", "alice")


def test_cutover_of_reads_clears_a_trip(service: CutoverService, store: InMemoryStore) -> None:
    service.cutover("catalog", R, SHADOW, "alice")
    service.trip("catalog", R, "proxy:a", "3 failures")
    assert not service.cutover("catalog", R, canary(5), "alice").reads_fail_open_tripped
    assert store.log[-1].entry.measured["cleared_fail_open_trip"] is True


def test_writes_cannot_trip(service: CutoverService) -> None:
    with pytest.raises(InvalidRequest, match="only reads"):
        service.trip("catalog", Direction.WRITES, "proxy:a", "x")


def test_auto_rollback_records_measured_values(
    service: CutoverService, store: InMemoryStore
) -> None:
    walk_to_new(service)
    measured = {"error_rate": 0.12, "p99_ms": 900}
    state = service.rollback("catalog", R, "proxy:auto", reason="budget", measured=measured)
    assert state.reads == canary(50)
    assert store.log[-1].entry.measured == measured
    assert store.log[-1].entry.actor == "proxy:auto"


def test_audit_limit_is_bounded(service: CutoverService) -> None:
    with pytest.raises(InvalidRequest, match="limit"):
        service.audit(None, 0)
