"""The guards of the new backends behind nginx, fed from its access log, and the reports their
actions make. Pure: the same guard (`ficus_contracts.guard`), thresholds and report payloads as
the Python proxy, so control cannot tell which plane measured."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from ficus_contracts.cutover import Direction, DomainCutover
from ficus_contracts.guard.breaker import BreakerState
from ficus_contracts.guard.domain import Action, DomainGuard, GuardPolicy
from ficus_nginx.core.accesslog import Outcome, Verdict

BreakerCommand = Literal["open", "closed", "release"]
ACTOR = "proxy:auto"  # the note of an automatic action; the audit's actor is the token's


class Watch:
    """One guard per (domain, direction); the writes guard never trips (writes never fail
    open), its budget asks for a rollback of the writes lane."""

    def __init__(self, policy: GuardPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self._policies = {
            Direction.READS: policy,
            Direction.WRITES: replace(policy, trip_after_failures=0),
        }
        self._clock = clock
        self._guards: dict[tuple[str, Direction], DomainGuard] = {}

    def guard(self, domain: str, direction: Direction) -> DomainGuard:
        key = (domain, direction)
        if key not in self._guards:
            self._guards[key] = DomainGuard(self._policies[direction], self._clock)
        return self._guards[key]

    def observe(self, outcome: Outcome) -> list[Action]:
        """What the guard asks for after this request."""
        return self.record(outcome).actions

    def record(self, outcome: Outcome) -> Step:
        """What the guard asks for after this request, and what nginx's copy of the guard's
        breaker must be told (nginx admits requests, the guard here counts them)."""
        guard = self.guard(outcome.domain, outcome.direction)
        before = guard.breaker_state
        actions: list[Action] = []
        if outcome.verdict == "ok":
            actions = guard.succeeded(outcome.latency_ms)
        elif outcome.verdict == "inconclusive":
            guard.inconclusive()
        elif outcome.verdict == "rejected":
            actions = guard.rejected()
        else:
            actions = guard.failed(outcome.latency_ms, outcome.reason)
        return Step(actions, breaker_change(before, guard.breaker_state, outcome.verdict))


@dataclass(frozen=True)
class Step:
    actions: list[Action]
    breaker: BreakerCommand | None = None


def breaker_change(
    before: BreakerState, after: BreakerState, verdict: Verdict
) -> BreakerCommand | None:
    """`open` when the breaker opened, or a failure while open restarted its cool-down (a
    probe nginx let through failed); `closed` when a success closed it; `release` when a
    probe's outcome said nothing (another one may go)."""
    if after is BreakerState.OPEN and (before is not BreakerState.OPEN or verdict == "failed"):
        return "open"
    if after is BreakerState.CLOSED and before is not BreakerState.CLOSED:
        return "closed"
    if verdict == "inconclusive" and after is not BreakerState.CLOSED:
        return "release"
    return None


def payload(direction: Direction, action: Action, seen: DomainCutover | None) -> dict[str, Any]:
    """The body of `POST /domains/{domain}/trip|rollback`, as the proxy sends it: control
    refuses it (409) if the lane is no longer the one measured (`seen_reads` / `seen_writes`)."""
    return {
        "direction": direction.value,
        "reason": action.reason,
        "actor": ACTOR,
        "measured": action.measured,
        f"seen_{direction.value}": str(seen.lane(direction)) if seen is not None else None,
    }


def breaker_body(
    domain: str, direction: Direction, command: BreakerCommand, policy: GuardPolicy, probe: float
) -> dict[str, object]:
    """The `PUT /_ficus/breakers` body: the breaker of `<domain>:r|w`; an open one refuses
    requests for the guard's cool-down, then lets one probe through (at most `probe` seconds
    before another may go, should its outcome never be logged)."""
    key = f"{domain}:{'r' if direction is Direction.READS else 'w'}"
    if command != "open":
        return {"key": key, "state": command}
    return {"key": key, "state": "open", "cooldown": policy.breaker_cooldown, "probe": probe + 1}
