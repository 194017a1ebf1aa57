"""Measuring a domain's signals into a SignalSnapshot: forward lag from sync, shadow mismatch
from control's shadow_stat, trip history and reconciliations from control's database, and
what the extra sources (the proxies) expose. Anything unmeasured is a Reading with `missing`
set, so its criterion has no evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence

from ficus_control.cutover.ports import LagProbe, PolicySource, ShadowStats
from ficus_control.plan.core.evaluate import Reading
from ficus_control.plan.core.model import Signal
from ficus_control.plan.ports import ExtraSignals, PlanStore

# Signals nothing in Ficus measures yet, and why.
_NOT_MEASURED: dict[Signal, str] = {
    Signal.REVERSE_LAG: "reverse sync does not report its lag yet",
    Signal.CONSISTENCY_LAG: "nothing measures new → Magento consistency lag yet",
    Signal.READ_SUCCESS: "control reads no proxy metrics",
    Signal.READ_P99: "control reads no proxy metrics",
    Signal.WRITE_P99: "the proxies do not tell write latency from read latency yet",
    Signal.FORWARD_DLQ: "sync's dead letters are not reachable over HTTP",
    Signal.REVERSE_DLQ: "reverse sync's dead letters are not reachable over HTTP",
    Signal.CONFLICTS: "there is no conflict queue yet",
}


class SignalCollector:
    def __init__(
        self,
        lag: LagProbe,
        shadow: ShadowStats,
        policies: PolicySource,
        store: PlanStore,
        extras: Sequence[ExtraSignals] = (),
    ) -> None:
        self.lag = lag
        self.shadow = shadow
        self.policies = policies
        self.store = store
        self.extras = list(extras)

    def readings(self, domain: str, needed: Collection[Signal]) -> dict[Signal, Reading]:
        """The `needed` signals of `domain`, measured now (only those: each costs a call)."""
        readings = {s: Reading(missing=why) for s, why in _NOT_MEASURED.items() if s in needed}
        for signal, measure in self._measures().items():
            if signal in needed:
                readings[signal] = measure(domain)
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
        reading = self.lag.lag(domain)
        if reading.seconds_behind is None:
            return Reading(missing=reading.error or "sync gave no lag")
        return Reading(reading.seconds_behind)

    def _shadow(self, domain: str) -> Reading:
        window = self.policies.policy(domain).window_seconds
        stats = self.shadow.latest_window(domain, window)
        if stats.rate is None or stats.latest is None:
            return Reading(samples=0, missing=f"no shadow comparisons of {domain} recorded")
        age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(stats.latest)
        return Reading(stats.rate, stats.compared, max(0.0, age.total_seconds()))

    def _reconciliation(self, domain: str) -> Reading:
        last = self.store.last_reconciliation(domain)
        if last is None:
            return Reading(missing=f"no reconciliation of {domain} recorded")
        return Reading(float(last.mismatched), last.sampled, last.age_s)
