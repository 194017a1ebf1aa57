"""The vocabulary of every gate: signals (what Ficus measures), criteria over them (pure)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Signal(enum.StrEnum):
    """What a criterion measures; each is one field of a SignalSnapshot."""

    FORWARD_LAG = "forward_lag"  # seconds, sync GET /v1/lag per domain
    REVERSE_LAG = "reverse_lag"  # seconds, sync GET /v1/reverse/health per domain
    CONSISTENCY_LAG = "consistency_lag"  # seconds, the worse of forward and reverse lag
    SHADOW_MISMATCH_RATE = "shadow_mismatch_rate"  # ratio, control's shadow_stat
    READ_SUCCESS = "read_success"  # ratio, the proxies' metrics of the new backend
    READ_P99 = "read_p99"  # ms, the proxies' latency histogram of the new backend
    WRITE_P99 = "write_p99"  # ms, the proxies' writes budget window (worst replica)
    AUTO_DISABLE_FREE = "auto_disable_free"  # seconds since the last trip/auto-rollback
    RECONCILIATION_MISMATCHES = "reconciliation_mismatches"  # count, last reconciliation
    FORWARD_DLQ = "forward_dlq"  # dead letters not replayed, sync GET /v1/queues
    REVERSE_DLQ = "reverse_dlq"  # dead letters, sync GET /v1/reverse/health
    CONFLICTS = "conflicts"  # open conflicts of reverse sync, sync GET /v1/queues
    REVERSE_RUNNING = "reverse_running"  # 1 running, 0 not, sync GET /v1/reverse/health
    WRITE_ROUTES_MISSING = "write_routes_missing"  # write rows the service does not serve
    # a data plane's own guard, over its error budget's window (its automatic rollback)
    BUDGET_ERROR_RATE = "budget_error_rate"  # ratio of failed answers of the new backend
    BUDGET_P99 = "budget_p99"  # ms, p99 of the new backend's answers


# Judged only inside a data plane's guard, on its own window: control measures none of them,
# so a plan cannot name them.
GUARD_SIGNALS = frozenset({Signal.BUDGET_ERROR_RATE, Signal.BUDGET_P99})

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
    Signal.REVERSE_RUNNING: "",
    Signal.WRITE_ROUTES_MISSING: "",
    Signal.BUDGET_ERROR_RATE: "%",
    Signal.BUDGET_P99: "ms",
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


def format_seconds(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"
