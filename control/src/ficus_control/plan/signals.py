"""Measuring a domain's signals into a SignalSnapshot: forward lag from sync, reverse sync's
health (running, DLQ, lag) and its queues (forward DLQ, open conflicts: an extra source)
from sync, shadow mismatch from control's shadow_stat, trip history
and reconciliations from control's database, and what the extra sources (the proxies) expose.
The readings are made by the same functions the gates use (`cutover.core`). Anything
unmeasured is a Reading with `missing` set, so its criterion has no evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence

from ficus_contracts.criteria.evaluate import Reading
from ficus_contracts.criteria.model import Signal
from ficus_control.cutover.core.gates import lag_reading, shadow_reading
from ficus_control.cutover.core.writes_gates import reconciliation_reading, reverse_readings
from ficus_control.cutover.ports import LagProbe, PolicySource, ShadowStats
from ficus_control.plan.ports import ExtraSignals, PlanStore, ReverseProbe

_REVERSE = (Signal.REVERSE_RUNNING, Signal.REVERSE_DLQ, Signal.REVERSE_LAG, Signal.CONSISTENCY_LAG)

# Signals nothing in Ficus measures yet, and why.
_NOT_MEASURED: dict[Signal, str] = {
    Signal.READ_SUCCESS: "control reads no proxy metrics",
    Signal.READ_P99: "control reads no proxy metrics",
    Signal.WRITE_P99: "control reads no proxy metrics",
    Signal.FORWARD_DLQ: "control reads no sync queues",
    Signal.CONFLICTS: "control reads no sync queues",
    Signal.REVERSE_RUNNING: "control has no reverse sync probe",
    Signal.REVERSE_DLQ: "control has no reverse sync probe",
    Signal.REVERSE_LAG: "control has no reverse sync probe",
    Signal.CONSISTENCY_LAG: "control has no reverse sync probe",
    Signal.WRITE_ROUTES_MISSING: "the plan does not read service manifests (the writes gates do)",
}


class SignalCollector:
    def __init__(
        self,
        lag: LagProbe,
        shadow: ShadowStats,
        policies: PolicySource,
        store: PlanStore,
        extras: Sequence[ExtraSignals] = (),
        reverse: ReverseProbe | None = None,
    ) -> None:
        self.lag = lag
        self.shadow = shadow
        self.policies = policies
        self.store = store
        self.extras = list(extras)
        self.reverse = reverse

    def readings(self, domain: str, needed: Collection[Signal]) -> dict[Signal, Reading]:
        """The `needed` signals of `domain`, measured now (only those: each costs a call)."""
        readings = {s: Reading(missing=why) for s, why in _NOT_MEASURED.items() if s in needed}
        for signal, measure in self._measures().items():
            if signal in needed:
                readings[signal] = measure(domain)
        if self.reverse is not None and any(signal in needed for signal in _REVERSE):
            readings.update(self._reverse(domain, readings.get(Signal.FORWARD_LAG)))
        for extra in self.extras:
            if any(signal in needed for signal in extra.signals):
                readings.update(extra.read(domain))
        return readings

    def close(self) -> None:
        for extra in self.extras:
            extra.close()

    def _measures(self) -> dict[Signal, Callable[[str], Reading]]:
        return {
            Signal.FORWARD_LAG: self._forward_lag,
            Signal.SHADOW_MISMATCH_RATE: self._shadow,
            Signal.AUTO_DISABLE_FREE: lambda domain: Reading(self.store.auto_disable_free(domain)),
            Signal.RECONCILIATION_MISMATCHES: self._reconciliation,
        }

    def _forward_lag(self, domain: str) -> Reading:
        return lag_reading(self.lag.lag(domain))

    def _shadow(self, domain: str) -> Reading:
        window = self.policies.policy(domain).window_seconds
        stats = self.shadow.latest_window(domain, window)
        return shadow_reading(stats, domain, dt.datetime.now(dt.UTC))

    def _reconciliation(self, domain: str) -> Reading:
        return reconciliation_reading(self.store.last_reconciliation(domain))

    def _reverse(self, domain: str, forward: Reading | None) -> dict[Signal, Reading]:
        """Reverse sync's readings, and the consistency lag: the worse of both directions
        (a change made on either side is on the other only after it)."""
        assert self.reverse is not None
        readings = reverse_readings(self.reverse.health(domain))
        forward = forward or self._forward_lag(domain)
        back = readings[Signal.REVERSE_LAG]
        if forward.value is None or back.value is None:
            why = forward.missing if forward.value is None else back.missing
            readings[Signal.CONSISTENCY_LAG] = Reading(missing=why)
        else:
            readings[Signal.CONSISTENCY_LAG] = Reading(max(forward.value, back.value))
        return readings
