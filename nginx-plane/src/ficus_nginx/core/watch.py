"""The guards of the new backends behind nginx, fed from its access log, and the reports their
actions make. Pure: the same guard (`ficus_contracts.guard`), thresholds and report payloads as
the Python proxy, so control cannot tell which plane measured."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ficus_contracts.cutover import Direction, DomainCutover
from ficus_contracts.guard.domain import Action, DomainGuard, GuardPolicy
from ficus_nginx.core.accesslog import Outcome

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
        guard = self.guard(outcome.domain, outcome.direction)
        if outcome.verdict == "ok":
            return guard.succeeded(outcome.latency_ms)
        if outcome.verdict == "inconclusive":
            guard.inconclusive()
            return []
        return guard.failed(outcome.latency_ms, outcome.reason)


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
