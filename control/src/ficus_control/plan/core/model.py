"""The plan's vocabulary: signals, criteria, steps, domains (pure)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ficus_contracts.cutover import Direction, Lane, Stage

# Stages the plan may name although the cutover model does not have them yet: a step to one
# is shown, but `plan next` refuses to take it (none since `dual` exists, issue #13).
PLANNED_STAGES: tuple[str, ...] = ()


class Signal(enum.StrEnum):
    """What a criterion measures; each is one field of a SignalSnapshot."""

    FORWARD_LAG = "forward_lag"  # seconds, sync /v1/lag per domain
    REVERSE_LAG = "reverse_lag"  # seconds, reverse sync (not measured yet)
    CONSISTENCY_LAG = "consistency_lag"  # seconds, new → Magento (not measured yet)
    SHADOW_MISMATCH_RATE = "shadow_mismatch_rate"  # ratio, control's shadow_stat
    READ_SUCCESS = "read_success"  # ratio, proxy error budget (not exposed yet)
    READ_P99 = "read_p99"  # ms (not exposed yet)
    WRITE_P99 = "write_p99"  # ms (not exposed yet)
    AUTO_DISABLE_FREE = "auto_disable_free"  # seconds since the last trip/auto-rollback
    RECONCILIATION_MISMATCHES = "reconciliation_mismatches"  # count, last reconciliation
    FORWARD_DLQ = "forward_dlq"  # dead letters, sync (not reachable over HTTP yet)
    REVERSE_DLQ = "reverse_dlq"  # dead letters, reverse sync (not reachable yet)
    CONFLICTS = "conflicts"  # conflict-queue size (does not exist yet)


UNITS: dict[Signal, str] = {
    Signal.FORWARD_LAG: "s",
    Signal.REVERSE_LAG: "s",
    Signal.CONSISTENCY_LAG: "s",
    Signal.SHADOW_MISMATCH_RATE: "%",
    Signal.READ_SUCCESS: "%",
    Signal.READ_P99: "ms",
    Signal.WRITE_P99: "ms",
    Signal.AUTO_DISABLE_FREE: "s",
    Signal.RECONCILIATION_MISMATCHES: "",
    Signal.FORWARD_DLQ: "",
    Signal.REVERSE_DLQ: "",
    Signal.CONFLICTS: "",
}


class Op(enum.StrEnum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    EQ = "=="

    def holds(self, measured: float, threshold: float) -> bool:
        return {
            Op.LT: measured < threshold,
            Op.LE: measured <= threshold,
            Op.GT: measured > threshold,
            Op.GE: measured >= threshold,
            Op.EQ: measured == threshold,
        }[self]


@dataclass(frozen=True)
class Criterion:
    """`signal op value` must hold (with at least `min_samples` samples, on evidence no older
    than `max_age_s`) continuously for `soak_s` seconds."""

    name: str
    signal: Signal
    op: Op
    value: float
    threshold: str  # as written in the plan, e.g. "< 2s"
    min_samples: int | None = None
    max_age_s: float | None = None
    soak_s: float | None = None

    def describe(self) -> str:
        parts = [f"{self.signal} {self.threshold}"]
        if self.min_samples is not None:
            parts.append(f"over >= {self.min_samples} samples")
        if self.max_age_s is not None:
            parts.append(f"evidence <= {format_seconds(self.max_age_s)} old")
        if self.soak_s is not None:
            parts.append(f"held {format_seconds(self.soak_s)}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Step:
    """Move one lane of a domain to `stage` (`percent` for canary); leaving this step for the
    next needs every `exit` criterion."""

    name: str
    phase: int
    phase_name: str
    direction: Direction
    stage: str
    percent: int = 0
    exit: tuple[Criterion, ...] = ()

    @property
    def available(self) -> bool:
        """Whether the cutover model has this step's stage today."""
        return self.stage in {s.value for s in Stage}

    def lane(self) -> Lane:
        return Lane(Stage(self.stage), self.percent)

    def label(self) -> str:
        target = f"{self.stage} {self.percent}%" if self.stage in ("canary", "dual") else self.stage
        return f"{self.direction} → {target}"


@dataclass(frozen=True)
class DomainPlan:
    domain: str
    steps: tuple[Step, ...]

    def step(self, name: str) -> Step:
        return next(step for step in self.steps if step.name == name)


@dataclass(frozen=True)
class Plan:
    """A validated plan; `version` is the content hash of its file."""

    version: str
    source: str
    domains: tuple[DomainPlan, ...]

    def domain(self, name: str) -> DomainPlan | None:
        return next((d for d in self.domains if d.domain == name), None)


def format_seconds(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"
