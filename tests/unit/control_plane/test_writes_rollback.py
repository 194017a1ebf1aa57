"""A writes rollback drains first (in-memory store, a scripted reverse drain, a fake clock):
503 (draining) → drain → flip → consistency check → resume, each step audited; a drain that
does not finish leaves the lane where it was with draining cleared."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_control.cutover import CutoverService, DomainRegistry
from ficus_control.cutover.core.audit import Action
from ficus_control.cutover.drain import WritesRollback
from ficus_control.cutover.inmemory import FixedLag, InMemoryStore
from ficus_control.cutover.ports import DrainReport
from ficus_control.errors import DrainFailed, InvalidRequest, StaleDecision, TransitionRefused
from tests.unit.proxy.clock import FakeClock

W = Direction.WRITES
DUAL = Lane(Stage.DUAL, 40)


@dataclass
class ScriptedDrain:
    """Answers from `script` in order (the last one repeats); records what it was asked and
    whether the domain was draining at that moment."""

    store: InMemoryStore
    clock: FakeClock
    script: list[DrainReport]
    asked: list[tuple[float, bool]] = field(default_factory=list)

    def drain(self, domain: str, timeout: float) -> DrainReport:
        self.asked.append((timeout, self.store.rows[domain].writes_draining))
        self.clock.advance(min(timeout, 2.0))
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]


@pytest.fixture
def store() -> InMemoryStore:
    store = InMemoryStore()
    store.rows["customer"] = DomainCutover("customer", Lane(Stage.NEW), DUAL, version=4)
    return store


def service_with(
    store: InMemoryStore, *script: DrainReport
) -> tuple[CutoverService, ScriptedDrain]:
    clock = FakeClock()
    drain = ScriptedDrain(store, clock, list(script))
    service = CutoverService(DomainRegistry(["customer"]), store, store, store, FixedLag())
    service.writes_rollback = WritesRollback(store, drain, clock, clock.advance)
    return service, drain


def steps(store: InMemoryStore) -> list[tuple[Action, str]]:
    return [(r.entry.action, str(r.entry.measured.get("step", ""))) for r in store.log]


def test_drain_then_flip_then_check_then_resume(store: InMemoryStore) -> None:
    service, drain = service_with(
        store, DrainReport(False, 3), DrainReport(True, 0), DrainReport(True, 0)
    )
    state = service.rollback("customer", W, "token:ops", reason="reverse lag")
    assert (state.writes, state.writes_draining) == (Lane(), False)
    assert steps(store) == [
        (Action.DRAIN, "start"), (Action.ROLLBACK, ""), (Action.DRAIN, "resume"),
    ]  # fmt: skip
    # asked while draining until drained (30 s budget; 0.2 s apart when sync answers early),
    # then once more after the flip
    assert drain.asked == [(30.0, True), (pytest.approx(27.8), True), (0.0, True)]
    flip = store.log[1].entry
    assert (flip.from_lane, flip.to_lane, flip.reason) == (DUAL, Lane(), "reverse lag")
    assert flip.measured["drain"] == {"drained": True, "pending": 0, "waited_s": 4.2}
    assert store.log[2].entry.measured["consistency"] == {
        "pending": 0, "consistent": True, "error": None,
    }  # fmt: skip
    assert store.notified == ["customer"] * 3  # every step reaches the proxies


def test_a_drain_that_times_out_leaves_the_lane_and_clears_draining(
    store: InMemoryStore,
) -> None:
    service, _ = service_with(store, DrainReport(False, 12))
    with pytest.raises(DrainFailed, match="12 still pending after 5 s") as failed:
        service.rollback("customer", W, "token:ops", drain_timeout=5)
    assert "the lane is where it was" in str(failed.value)
    state = store.rows["customer"]
    assert (state.writes, state.writes_draining) == (DUAL, False)
    assert steps(store) == [(Action.DRAIN, "start"), (Action.DRAIN, "failed")]
    assert "12 still pending" in store.log[1].entry.measured["error"]


def test_sync_unreachable_fails_at_once(store: InMemoryStore) -> None:
    service, drain = service_with(store, DrainReport(False, error="sync unreachable"))
    with pytest.raises(DrainFailed, match="sync unreachable"):
        service.rollback("customer", W, "proxy:auto")
    assert len(drain.asked) == 1 and store.rows["customer"].writes == DUAL


def test_a_second_rollback_while_draining_is_refused(store: InMemoryStore) -> None:
    store.rows["customer"] = DomainCutover(
        "customer", Lane(Stage.NEW), DUAL, version=4, writes_draining=True
    )
    service, drain = service_with(store, DrainReport(True, 0))
    with pytest.raises(TransitionRefused, match="already draining"):
        service.rollback("customer", W, "proxy:auto")
    assert drain.asked == [] and store.log == []


def test_force_skips_the_drain_with_a_reason(store: InMemoryStore) -> None:
    service, drain = service_with(store, DrainReport(False, 9))
    with pytest.raises(InvalidRequest, match="needs a --reason"):
        service.rollback("customer", W, "token:ops", force=True)
    state = service.rollback("customer", W, "token:ops", reason="sync down", force=True)
    assert state.writes == Lane() and drain.asked == []
    assert store.log[-1].entry.forced and steps(store) == [(Action.ROLLBACK, "")]


def test_an_automatic_rollback_of_a_writes_lane_that_moved_is_refused(
    store: InMemoryStore,
) -> None:
    service, drain = service_with(store, DrainReport(True, 0))
    with pytest.raises(StaleDecision, match="customer writes moved on"):
        service.rollback("customer", W, "proxy:auto", seen_writes="dual 10%")
    assert drain.asked == []
    assert service.rollback("customer", W, "proxy:auto", seen_writes="dual 40%").writes == Lane()


def test_without_a_drain_writes_roll_back_only_forced(store: InMemoryStore) -> None:
    service = CutoverService(DomainRegistry(["customer"]), store, store, store, FixedLag())
    with pytest.raises(DrainFailed, match="no reverse sync drain configured"):
        service.rollback("customer", W, "token:ops")
