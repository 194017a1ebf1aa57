"""Gates: evidence a domain's writes lane must show for every forward move (pure), as
criteria for the one evaluator (`ficus_contracts.criteria`) over the readings of that evidence.

A writes lane moves beyond legacy, and up, only while (no evidence: the gate fails):
  * reverse sync runs for the domain (sync `GET /v1/reverse/health`), its DLQ is empty and its
    lag is under the gate;
  * the domain's last reconciliation found no difference;
  * the service serves every write row of the domain in the proxy's route table (the service's
    `GET /_ficus/routes`), as (method, path) with any `{placeholder}` matching any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ficus_contracts.criteria.evaluate import Reading
from ficus_contracts.criteria.model import Criterion, Op, Signal
from ficus_contracts.cutover import Direction, Lane
from ficus_control.cutover.core.gates import Gate

_PLACEHOLDER = re.compile(r"\{[^}/]*\}")
RouteRow = tuple[str, str]  # (METHOD, /V1/path/{}) with placeholders unnamed


@dataclass(frozen=True)
class Reconciliation:
    """The last consistency check of a domain: how many records it compared, how many
    differed, how long ago."""

    sampled: int
    mismatched: int
    age_s: float


@dataclass(frozen=True)
class ReverseHealth:
    """Reverse sync of one domain as sync reports it; `error` says why it is unknown."""

    running: bool = False
    dlq: int = 0
    lag_seconds: float = 0.0
    pending: int = 0
    last_error: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class WritesEvidence:
    health: ReverseHealth
    reconciliation: Reconciliation | None
    required: frozenset[RouteRow]  # the domain's write rows in the route table
    served: frozenset[RouteRow] | None  # what the service says it serves; None: unknown
    routes_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        health, recon = self.health, self.reconciliation
        return {
            "reverse": {
                "running": health.running, "dlq": health.dlq, "lag_seconds": health.lag_seconds,
                "pending": health.pending, "last_error": health.last_error, "error": health.error,
            },
            "reconciliation": None if recon is None else {
                "sampled": recon.sampled, "mismatched": recon.mismatched, "age_s": recon.age_s,
            },
            "write_routes": {
                "required": sorted(" ".join(r) for r in self.required),
                "missing": sorted(" ".join(r) for r in self.missing()),
                "error": self.routes_error,
            },
        }  # fmt: skip

    def missing(self) -> frozenset[RouteRow]:
        return self.required - (self.served or frozenset())

    def readings(self) -> dict[Signal, Reading]:
        return {
            **reverse_readings(self.health),
            Signal.RECONCILIATION_MISMATCHES: reconciliation_reading(self.reconciliation),
            Signal.WRITE_ROUTES_MISSING: self._routes_reading(),
        }

    def _routes_reading(self) -> Reading:
        if self.served is None:
            return Reading(missing=self.routes_error or "no manifest")
        if not self.required:
            return Reading(missing="the route table has no write row")
        missing = sorted(" ".join(row) for row in self.missing())
        note = f"missing {', '.join(missing)}" if missing else "all served"
        return Reading(float(len(missing)), len(self.required), note=note)


def writes_gates_apply(direction: Direction, current: Lane, target: Lane) -> bool:
    """Every forward move of a writes lane is gated; rollbacks never are."""
    return direction is Direction.WRITES and current.is_before(target)


def writes_criteria(max_lag_seconds: float) -> tuple[Criterion, ...]:
    """The writes gates as criteria (named as `Gate`), for the one evaluator."""
    return (
        Criterion(Gate.REVERSE_RUNNING, Signal.REVERSE_RUNNING, Op.EQ, 1, "== 1"),
        Criterion(Gate.REVERSE_DLQ, Signal.REVERSE_DLQ, Op.EQ, 0, "== 0"),
        Criterion(
            Gate.REVERSE_LAG, Signal.REVERSE_LAG, Op.LT, max_lag_seconds, f"< {max_lag_seconds:g}s"
        ),
        Criterion(
            Gate.RECONCILIATION, Signal.RECONCILIATION_MISMATCHES, Op.EQ, 0, "== 0", min_samples=1
        ),
        Criterion(Gate.WRITE_ROUTES, Signal.WRITE_ROUTES_MISSING, Op.EQ, 0, "== 0"),
    )


def reverse_readings(health: ReverseHealth) -> dict[Signal, Reading]:
    """Reverse sync's health as readings: running (1/0), its DLQ and its lag; all no evidence
    when sync could not be read."""
    if health.error is not None:
        missing = Reading(missing=health.error)
        return {
            s: missing for s in (Signal.REVERSE_RUNNING, Signal.REVERSE_DLQ, Signal.REVERSE_LAG)
        }
    stopped = f"not running, last error: {health.last_error}"
    running = Reading(1.0, note="running") if health.running else Reading(0.0, note=stopped)
    return {
        Signal.REVERSE_RUNNING: running,
        Signal.REVERSE_DLQ: Reading(float(health.dlq)),
        Signal.REVERSE_LAG: Reading(health.lag_seconds, note=f"{health.pending} pending"),
    }


def reconciliation_reading(last: Reconciliation | None) -> Reading:
    """The last consistency check: its differences, over the records it compared, its age."""
    if last is None:
        return Reading(missing="no reconciliation recorded")
    return Reading(float(last.mismatched), last.sampled, last.age_s)


def route_row(method: str, path: str) -> RouteRow:
    return method.upper(), _PLACEHOLDER.sub("{}", path)


def write_rows(document: Any, domain: str) -> frozenset[RouteRow]:
    """The (method, path) write rows of `domain` in a route-table document (proxy/routes.yaml,
    parsed): every method of a `write` group times each of its paths."""
    groups = document.get("routes", []) if isinstance(document, dict) else []
    return frozenset(
        route_row(str(method), str(path))
        for group in groups
        if isinstance(group, dict) and group.get("domain") == domain
        and group.get("access") == "write"
        for method in group.get("methods", [])
        for path in group.get("paths", [])
    )  # fmt: skip


def served_rows(document: Any) -> frozenset[RouteRow]:
    """The rows of a service's `{"domain", "routes": [{"method", "path"}]}` manifest."""
    routes: Iterable[Any] = document.get("routes", []) if isinstance(document, dict) else []
    return frozenset(
        route_row(str(r["method"]), str(r["path"]))
        for r in routes
        if isinstance(r, dict) and "method" in r and "path" in r
    )
