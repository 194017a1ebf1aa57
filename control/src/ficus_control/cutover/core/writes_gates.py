"""Gates: evidence a domain's writes lane must show for every forward move (pure).

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

from ficus_contracts.cutover import Direction, Lane
from ficus_control.cutover.core.gates import Gate, GateResult

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


def writes_gates_apply(direction: Direction, current: Lane, target: Lane) -> bool:
    """Every forward move of a writes lane is gated; rollbacks never are."""
    return direction is Direction.WRITES and current.is_before(target)


def evaluate_writes(max_lag_seconds: float, evidence: WritesEvidence) -> list[GateResult]:
    health = evidence.health
    return [
        _running(health),
        _dlq(health),
        _lag(health, max_lag_seconds),
        _reconciliation(evidence.reconciliation),
        _routes(evidence),
    ]


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


def _unknown(gate: Gate, error: str, threshold: str) -> GateResult:
    return GateResult(gate, False, f"unknown (no evidence: {error})", threshold)


def _running(health: ReverseHealth) -> GateResult:
    threshold = "reverse sync running"
    if health.error is not None:
        return _unknown(Gate.REVERSE_RUNNING, health.error, threshold)
    measured = "running" if health.running else f"not running (last error: {health.last_error})"
    return GateResult(Gate.REVERSE_RUNNING, health.running, measured, threshold)


def _dlq(health: ReverseHealth) -> GateResult:
    if health.error is not None:
        return _unknown(Gate.REVERSE_DLQ, health.error, "0 dead letters")
    return GateResult(
        Gate.REVERSE_DLQ, health.dlq == 0, f"{health.dlq} dead letters", "0 dead letters"
    )


def _lag(health: ReverseHealth, max_lag_seconds: float) -> GateResult:
    threshold = f"< {max_lag_seconds:g} s behind"
    if health.error is not None:
        return _unknown(Gate.REVERSE_LAG, health.error, threshold)
    measured = f"{health.lag_seconds:g} s behind ({health.pending} pending)"
    return GateResult(Gate.REVERSE_LAG, health.lag_seconds < max_lag_seconds, measured, threshold)


def _reconciliation(last: Reconciliation | None) -> GateResult:
    threshold = "last reconciliation: 0 differences"
    if last is None:
        return _unknown(Gate.RECONCILIATION, "no reconciliation recorded", threshold)
    measured = f"{last.mismatched} differences in {last.sampled} records, {last.age_s:.0f} s ago"
    clean = last.mismatched == 0 and last.sampled > 0
    return GateResult(Gate.RECONCILIATION, clean, measured, threshold)


def _routes(evidence: WritesEvidence) -> GateResult:
    threshold = f"the service serves all {len(evidence.required)} write routes"
    if evidence.served is None:
        return _unknown(Gate.WRITE_ROUTES, evidence.routes_error or "no manifest", threshold)
    if not evidence.required:
        return _unknown(Gate.WRITE_ROUTES, "the route table has no write row", threshold)
    missing = sorted(" ".join(row) for row in evidence.missing())
    measured = f"missing {', '.join(missing)}" if missing else "all served"
    return GateResult(Gate.WRITE_ROUTES, not missing, measured, threshold)
