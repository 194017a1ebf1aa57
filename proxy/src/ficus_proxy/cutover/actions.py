"""Performs what a domain's guard asked for (an adapter over the cutover map and the control
reporter): a read trip takes effect here at once and is reported; a rollback of the reads or
writes lane is requested from the control plane, which drains a writes lane before it flips."""

from __future__ import annotations

from collections.abc import Iterable

from ficus_contracts.cutover import Direction
from ficus_contracts.guard.domain import Action, Trip
from ficus_contracts.guard.state import CutoverMap
from ficus_proxy.cutover.reporting import ControlReporter, Report
from ficus_proxy.metrics import ProxyMetrics


class GuardActions:
    def __init__(self, state: CutoverMap, reporter: ControlReporter, metrics: ProxyMetrics) -> None:
        self.state = state
        self.reporter = reporter
        self.metrics = metrics

    def perform(self, domain: str, direction: Direction, actions: Iterable[Action]) -> None:
        for action in actions:
            seen = self.state.get(domain)
            payload = {
                "direction": direction.value,
                "reason": action.reason,
                "actor": "proxy:auto",
                "measured": action.measured,
                # control refuses the action if the lane is no longer the one measured here
                f"seen_{direction.value}": str(seen.lane(direction)) if seen is not None else None,
            }
            if isinstance(action, Trip):
                self.state.trip_reads(domain)
                self.metrics.tripped.labels(domain).set(1)
                self.reporter.submit(
                    Report("trip", domain, payload, lambda: self.state.trip_delivered(domain))
                )
            else:
                self.reporter.submit(Report("rollback", domain, payload))
