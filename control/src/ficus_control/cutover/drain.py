"""A writes rollback, the seed's Phase 2 order: the domain's writes answer 503 with
Retry-After (`writes_draining`) → reverse sync drains the outbox into Magento → the lane flips
→ consistency check (nothing pending again) → writes resume. Each step is one audited commit:
`drain` {step: start} → `rollback` (measured: the drain) → `drain` {step: resume, the check};
a drain that does not finish in time: `drain` {step: failed}, the lane where it was, and
DrainFailed. Draining is cleared whatever happens once it was set."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from ficus_contracts.cutover import Direction, DomainCutover, Lane
from ficus_control.cutover.core.audit import Action, AuditEntry, admin_entry
from ficus_control.cutover.ports import CutoverStore, ReverseDrain
from ficus_control.errors import ConcurrentChange, DrainFailed, TransitionRefused


class WritesRollback:
    def __init__(
        self,
        store: CutoverStore,
        drain: ReverseDrain,
        clock: Callable[[], float] = time.monotonic,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.reverse = drain
        self.clock = clock
        self.pause = pause  # between two asks when sync answered before its timeout

    def run(
        self, state: DomainCutover, target: Lane, entry: AuditEntry, timeout: float
    ) -> DomainCutover:
        """Roll `state`'s writes back to `target`; `entry` is the rollback's audit entry."""
        if state.writes_draining:
            raise TransitionRefused(f"{state.domain} writes are already draining for a rollback")
        draining = self._commit(state, True, "start", {"timeout_s": timeout}, entry)
        try:
            drained = self._drain(state.domain, timeout)
            flip = replace(draining, writes=target)
            measured = {**entry.measured, "drain": drained}
            flipped = self.store.commit(draining.version, flip, replace(entry, measured=measured))
        except BaseException as exc:
            self._clear(state.domain, "failed", entry, {"error": str(exc)})
            raise
        check = self.reverse.drain(state.domain, 0.0)  # nothing pending again?
        consistency = {"pending": check.pending, "consistent": check.drained, "error": check.error}
        return self._clear(flipped.domain, "resume", entry, {"consistency": consistency}, flipped)

    def _drain(self, domain: str, timeout: float) -> dict[str, Any]:
        started = self.clock()
        while True:  # sync waits up to `left` itself; asked again if it answers early
            left = max(timeout - (self.clock() - started), 0.0)
            report = self.reverse.drain(domain, left)
            if report.drained or report.error is not None or left <= 0:
                break
            self.pause(min(0.2, left))
        waited = round(self.clock() - started, 3)
        if not report.drained:
            why = report.error or f"{report.pending} still pending after {timeout:g} s"
            raise DrainFailed(domain, why)
        return {"drained": True, "pending": report.pending, "waited_s": waited}

    def _clear(
        self,
        domain: str,
        step: str,
        entry: AuditEntry,
        extra: Mapping[str, Any] | None = None,
        state: DomainCutover | None = None,
    ) -> DomainCutover:
        """Clear `writes_draining`, retrying once if the state moved meanwhile."""
        for _ in range(2):
            current = state or self.store.get(domain) or DomainCutover(domain)
            try:
                return self._commit(current, False, step, dict(extra or {}), entry)
            except ConcurrentChange:
                state = None
        return self.store.get(domain) or DomainCutover(domain)

    def _commit(
        self,
        state: DomainCutover,
        draining: bool,
        step: str,
        measured: dict[str, Any],
        rollback: AuditEntry,
    ) -> DomainCutover:
        detail = {"step": step, "direction": Direction.WRITES.value, **measured}
        note = rollback.note
        entry = admin_entry(rollback.actor, Action.DRAIN, state.domain, detail, note)
        return self.store.commit(state.version, replace(state, writes_draining=draining), entry)
