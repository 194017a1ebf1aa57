"""Gate evaluation: one pure function over a snapshot of measured signals, shared by
`ficus plan`, `ficus gates`, every gate of the cutover service (the plan's step criteria, the
gate policy's reads gates, the writes gates), the dashboard, and the automatic rollback of
both data planes (`ficus_contracts.guard.budget`).

A signal that was not measured makes its criterion fail with "no evidence", never pass."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ficus_contracts.criteria.model import UNITS, Criterion, Signal, format_seconds


class Status(enum.StrEnum):
    MET = "met"
    UNMET = "unmet"
    NO_EVIDENCE = "no_evidence"


@dataclass(frozen=True)
class Reading:
    """One measured signal: `value` with its sample count and age when they apply, and `note`
    (what a person needs besides the number, e.g. which routes are missing); `missing` says
    why there is no value (then the criterion has no evidence)."""

    value: float | None = None
    samples: int | None = None
    age_s: float | None = None
    missing: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class SignalSnapshot:
    """What was measured for one domain at one moment, plus the soak clocks: seconds each
    criterion (by name) has held continuously so far."""

    readings: Mapping[Signal, Reading] = field(default_factory=dict)
    held_s: Mapping[str, float] = field(default_factory=dict)

    def reading(self, signal: Signal) -> Reading:
        return self.readings.get(signal) or Reading(missing=f"{signal} is not measured")


@dataclass(frozen=True)
class Soak:
    required_s: float
    held_s: float


@dataclass(frozen=True)
class CriterionResult:
    name: str
    signal: Signal
    threshold: str
    measured: str | None
    status: Status
    soak: Soak | None = None

    @property
    def passed(self) -> bool:
        return self.status is Status.MET

    def __str__(self) -> str:
        measured = self.measured if self.measured is not None else "no evidence"
        held = ""
        if self.soak is not None:
            held = f", held {self.soak.held_s:.0f}s of {self.soak.required_s:.0f}s"
        return f"{self.name} {self.status}: measured {measured}{held}, required {self.threshold}"


def holds_now(criterion: Criterion, snapshot: SignalSnapshot) -> Status:
    """Whether the criterion holds at this moment, soak aside."""
    reading = snapshot.reading(criterion.signal)
    if reading.value is None or _too_few(criterion, reading) or _too_old(criterion, reading):
        return Status.NO_EVIDENCE
    return Status.MET if criterion.op.holds(reading.value, criterion.value) else Status.UNMET


def evaluate(criteria: Sequence[Criterion], snapshot: SignalSnapshot) -> list[CriterionResult]:
    """Each criterion's result over `snapshot`, in order."""
    return [_one(criterion, snapshot) for criterion in criteria]


def failed(results: Sequence[CriterionResult]) -> list[CriterionResult]:
    return [result for result in results if not result.passed]


def _one(criterion: Criterion, snapshot: SignalSnapshot) -> CriterionResult:
    status = holds_now(criterion, snapshot)
    measured = _measured(criterion, snapshot.reading(criterion.signal))
    soak = None
    if criterion.soak_s is not None:
        held = snapshot.held_s.get(criterion.name, 0.0) if status is Status.MET else 0.0
        soak = Soak(criterion.soak_s, held)
        if held < criterion.soak_s:
            status = Status.UNMET if status is Status.MET else status
    return CriterionResult(
        criterion.name, criterion.signal, criterion.describe(), measured, status, soak
    )


def _too_few(criterion: Criterion, reading: Reading) -> bool:
    needed = criterion.min_samples
    return needed is not None and (reading.samples or 0) < needed


def _too_old(criterion: Criterion, reading: Reading) -> bool:
    limit = criterion.max_age_s
    return limit is not None and (reading.age_s is None or reading.age_s > limit)


def _measured(criterion: Criterion, reading: Reading) -> str | None:
    if reading.value is None:
        return None if reading.missing is None else f"no evidence ({reading.missing})"
    text = _value_text(criterion.signal, reading.value)
    extra = []
    if reading.samples is not None:
        extra.append(f"{reading.samples} samples")
    if reading.age_s is not None:
        extra.append(f"{format_seconds(round(reading.age_s))} ago")
    if reading.note is not None:
        extra.append(reading.note)
    return f"{text} ({', '.join(extra)})" if extra else text


def _value_text(signal: Signal, value: float) -> str:
    unit = UNITS[signal]
    if value == float("inf"):
        return "never"
    if unit == "%":
        return f"{value:.3%}"
    if unit == "s":
        return f"{value:.3g}s" if value < 60 else format_seconds(round(value))
    return f"{value:g}{unit}"
