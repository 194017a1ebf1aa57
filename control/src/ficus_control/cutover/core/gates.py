"""Gates: evidence a domain's reads must show before they move beyond shadow (pure).

A gate is evaluated over measured inputs; measuring is the adapters' job. An unknown
measurement (sync unreachable, no shadow samples) fails its gate: no evidence, no move.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from ficus_contracts.cutover import Direction, Lane, Stage


class Gate(enum.StrEnum):
    FORWARD_LAG = "forward_lag"
    SHADOW_MISMATCH = "shadow_mismatch"
    # writes (core/writes_gates.py)
    REVERSE_RUNNING = "reverse_running"
    REVERSE_DLQ = "reverse_dlq"
    REVERSE_LAG = "reverse_lag"
    RECONCILIATION = "reconciliation"
    WRITE_ROUTES = "write_routes"


@dataclass(frozen=True)
class GatePolicy:
    """Thresholds; stored per domain in `gate_policy` (the row '*' is the default)."""

    max_lag_seconds: float = 2.0
    max_mismatch_rate: float = 0.001
    min_shadow_samples: int = 100
    window_seconds: int = 300


@dataclass(frozen=True)
class LagReading:
    """Forward sync lag for one domain; `error` says why it is unknown."""

    seconds_behind: float | None = None
    events_behind: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class ShadowWindow:
    """Shadow comparisons summed over the latest window (`latest` is its last window_start,
    ISO text, None when there is no data at all)."""

    compared: int = 0
    mismatched: int = 0
    latest: str | None = None

    @property
    def rate(self) -> float | None:
        return self.mismatched / self.compared if self.compared else None


@dataclass(frozen=True)
class Measurements:
    lag: LagReading
    shadow: ShadowWindow

    def as_dict(self) -> dict[str, Any]:
        return {
            "forward_lag": {
                "seconds_behind": self.lag.seconds_behind,
                "events_behind": self.lag.events_behind,
                "error": self.lag.error,
            },
            "shadow": {
                "compared": self.shadow.compared,
                "mismatched": self.shadow.mismatched,
                "rate": self.shadow.rate,
                "latest_window": self.shadow.latest,
            },
        }


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    passed: bool
    measured: str
    threshold: str

    def __str__(self) -> str:
        verdict = "ok" if self.passed else "FAILED"
        return f"{self.gate} {verdict}: measured {self.measured}, required {self.threshold}"


def gates_apply(direction: Direction, current: Lane, target: Lane) -> bool:
    """Gates guard forward moves of reads beyond shadow; rollbacks are never gated."""
    return (
        direction is Direction.READS
        and target.stage.rank > Stage.SHADOW.rank
        and current.is_before(target)
    )


def evaluate(policy: GatePolicy, measured: Measurements) -> list[GateResult]:
    return [_lag_gate(policy, measured.lag), _shadow_gate(policy, measured.shadow)]


def failed(results: list[GateResult]) -> list[GateResult]:
    return [result for result in results if not result.passed]


def _lag_gate(policy: GatePolicy, lag: LagReading) -> GateResult:
    threshold = f"< {policy.max_lag_seconds:g} s behind"
    if lag.seconds_behind is None:
        return GateResult(Gate.FORWARD_LAG, False, f"unknown ({lag.error})", threshold)
    passed = lag.seconds_behind < policy.max_lag_seconds
    measured = f"{lag.seconds_behind:g} s behind ({lag.events_behind} events)"
    return GateResult(Gate.FORWARD_LAG, passed, measured, threshold)


def _shadow_gate(policy: GatePolicy, shadow: ShadowWindow) -> GateResult:
    threshold = (
        f"mismatch rate <= {policy.max_mismatch_rate:.2%} over >= "
        f"{policy.min_shadow_samples} comparisons in {policy.window_seconds} s"
    )
    rate = shadow.rate
    if rate is None or shadow.compared < policy.min_shadow_samples:
        measured = f"{shadow.compared} comparisons (too few samples)"
        return GateResult(Gate.SHADOW_MISMATCH, False, measured, threshold)
    measured = f"{rate:.2%} ({shadow.mismatched} of {shadow.compared})"
    return GateResult(Gate.SHADOW_MISMATCH, rate <= policy.max_mismatch_rate, measured, threshold)
