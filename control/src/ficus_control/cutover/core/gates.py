"""Gates: the gate policy's criteria for a domain's reads moving beyond shadow, and the
measurements they read as signals (pure).

A gate is a criterion (`ficus_contracts.criteria`) evaluated by the one evaluator over measured
readings; measuring is the adapters' job. An unknown measurement (sync unreachable, no shadow
samples) fails its gate: no evidence, no move. The plan's steps use the same signals.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from ficus_contracts.criteria.evaluate import Reading
from ficus_contracts.criteria.model import Criterion, Op, Signal
from ficus_contracts.cutover import Direction, Lane, Stage


class Gate(enum.StrEnum):
    """The names of the built-in gates (criteria of the gate policy and the writes gates)."""

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

    def readings(self, domain: str, now: dt.datetime) -> dict[Signal, Reading]:
        return {
            Signal.FORWARD_LAG: lag_reading(self.lag),
            Signal.SHADOW_MISMATCH_RATE: shadow_reading(self.shadow, domain, now),
        }

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


def gates_apply(direction: Direction, current: Lane, target: Lane) -> bool:
    """Gates guard forward moves of reads beyond shadow; rollbacks are never gated."""
    return (
        direction is Direction.READS
        and target.stage.rank > Stage.SHADOW.rank
        and current.is_before(target)
    )


def policy_criteria(policy: GatePolicy) -> tuple[Criterion, ...]:
    """The gate policy's reads gates as criteria: forward lag under its limit, and the shadow
    mismatch rate at most its limit over at least `min_shadow_samples` comparisons."""
    return (
        Criterion(
            Gate.FORWARD_LAG, Signal.FORWARD_LAG, Op.LT, policy.max_lag_seconds,
            f"< {policy.max_lag_seconds:g}s",
        ),
        Criterion(
            Gate.SHADOW_MISMATCH, Signal.SHADOW_MISMATCH_RATE, Op.LE, policy.max_mismatch_rate,
            f"<= {policy.max_mismatch_rate:.2%} in {policy.window_seconds}s",
            min_samples=policy.min_shadow_samples,
        ),
    )  # fmt: skip


def lag_reading(lag: LagReading) -> Reading:
    """Forward lag as a signal reading (no evidence when sync gave none)."""
    if lag.seconds_behind is None:
        return Reading(missing=lag.error or "sync gave no lag")
    events = None if lag.events_behind is None else f"{lag.events_behind} events behind"
    return Reading(lag.seconds_behind, note=events)


def shadow_reading(shadow: ShadowWindow, domain: str, now: dt.datetime) -> Reading:
    """The shadow mismatch rate as a signal reading: its comparisons are its samples, its
    age is that of the newest window recorded."""
    if shadow.rate is None:
        return Reading(samples=0, missing=f"no shadow comparisons of {domain} recorded")
    note = f"{shadow.mismatched} of {shadow.compared} mismatched"
    if shadow.latest is None:
        return Reading(shadow.rate, shadow.compared, note=note)
    age = now - dt.datetime.fromisoformat(shadow.latest)
    return Reading(shadow.rate, shadow.compared, max(0.0, age.total_seconds()), note=note)
