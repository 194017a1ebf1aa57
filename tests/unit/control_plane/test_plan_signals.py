"""The plan's signals: reverse sync's health (running, DLQ, lag) and the consistency lag are
read by the plan, through the same reading functions the writes gates use; what sync does not
report is "no evidence", never a pass."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from ficus_contracts.criteria.evaluate import Reading
from ficus_contracts.criteria.model import Signal
from ficus_control.cutover.core.gates import LagReading
from ficus_control.cutover.core.writes_gates import Reconciliation, ReverseHealth
from ficus_control.cutover.inmemory import FixedLag, InMemoryStore
from ficus_control.plan.core.model import Plan
from ficus_control.plan.signals import SignalCollector

REVERSE = {Signal.REVERSE_RUNNING, Signal.REVERSE_DLQ, Signal.REVERSE_LAG}


class Reverse:
    def __init__(self, health: dict[str, ReverseHealth]) -> None:
        self.by_domain = health

    def health(self, domain: str) -> ReverseHealth:
        return self.by_domain.get(domain) or ReverseHealth(error=f"no reverse sync for {domain}")


class Store:
    """The plan store's evidence part (no soak clocks needed here)."""

    def save(self, plan: Plan, body: Mapping[str, Any]) -> bool:
        return True

    def soak(
        self, domain: str, step: str, holding: Collection[str], watched: Collection[str]
    ) -> dict[str, float]:
        return {}

    def last_reconciliation(self, domain: str) -> Reconciliation | None:
        return Reconciliation(1000, 0, 30.0) if domain == "customer" else None

    def record_reconciliation(
        self, domain: str, sampled: int, mismatched: int, detail: Mapping[str, Any]
    ) -> int:
        return 1

    def auto_disable_free(self, domain: str) -> float:
        return math.inf


def collector(reverse: Reverse | None, lag: LagReading = LagReading(0.3, 2)) -> SignalCollector:
    memory = InMemoryStore()
    return SignalCollector(FixedLag(lag), memory, memory, Store(), (), reverse)


def test_reverse_health_and_consistency_lag_are_measured() -> None:
    health = ReverseHealth(running=True, dlq=2, lag_seconds=1.5, pending=4)
    readings = collector(Reverse({"customer": health})).readings(
        "customer", REVERSE | {Signal.CONSISTENCY_LAG, Signal.RECONCILIATION_MISMATCHES}
    )
    assert readings[Signal.REVERSE_RUNNING].value == 1.0
    assert readings[Signal.REVERSE_DLQ].value == 2.0
    assert readings[Signal.REVERSE_LAG] == Reading(1.5, note="4 pending")
    assert readings[Signal.CONSISTENCY_LAG] == Reading(1.5)  # the worse of 0.3 s and 1.5 s
    assert readings[Signal.RECONCILIATION_MISMATCHES] == Reading(0.0, 1000, 30.0)


def test_forward_lag_worse_than_reverse_is_the_consistency_lag() -> None:
    health = ReverseHealth(running=True, lag_seconds=0.2)
    readings = collector(Reverse({"customer": health}), LagReading(4.0, 90)).readings(
        "customer", {Signal.CONSISTENCY_LAG}
    )
    assert readings[Signal.CONSISTENCY_LAG] == Reading(4.0)


def test_a_domain_sync_has_no_reverse_sync_for_is_no_evidence() -> None:
    readings = collector(Reverse({})).readings("catalog", REVERSE | {Signal.CONSISTENCY_LAG})
    assert {s: r.value for s, r in readings.items()} == dict.fromkeys(
        REVERSE | {Signal.CONSISTENCY_LAG}
    )
    assert readings[Signal.REVERSE_DLQ].missing == "no reverse sync for catalog"


def test_unreported_signals_say_why_they_have_no_evidence() -> None:
    readings = collector(None).readings("customer", {Signal.CONFLICTS, Signal.REVERSE_DLQ})
    assert readings[Signal.CONFLICTS].missing == "control reads no sync queues"
    assert readings[Signal.REVERSE_DLQ].missing == "control has no reverse sync probe"
    assert readings[Signal.CONFLICTS].value is None
