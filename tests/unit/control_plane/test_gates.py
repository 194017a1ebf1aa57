"""Gate evaluation over measured inputs."""

from __future__ import annotations

import pytest

from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.cutover.core.gates import (
    Gate,
    GatePolicy,
    LagReading,
    Measurements,
    ShadowWindow,
    evaluate,
    failed,
    gates_apply,
)

POLICY = GatePolicy(max_lag_seconds=2.0, max_mismatch_rate=0.01, min_shadow_samples=100)
GOOD_LAG = LagReading(0.4, 3)
GOOD_SHADOW = ShadowWindow(compared=1000, mismatched=5)


def verdicts(lag: LagReading, shadow: ShadowWindow) -> dict[Gate, bool]:
    return {r.gate: r.passed for r in evaluate(POLICY, Measurements(lag, shadow))}


def test_all_gates_pass() -> None:
    assert verdicts(GOOD_LAG, GOOD_SHADOW) == {Gate.FORWARD_LAG: True, Gate.SHADOW_MISMATCH: True}


@pytest.mark.parametrize(
    ("lag", "ok"),
    [(LagReading(1.99, 1), True), (LagReading(2.0, 1), False), (LagReading(30.0, 900), False)],
)
def test_lag_must_be_below_threshold(lag: LagReading, ok: bool) -> None:
    assert verdicts(lag, GOOD_SHADOW)[Gate.FORWARD_LAG] is ok


def test_unknown_lag_fails_with_its_reason() -> None:
    results = evaluate(POLICY, Measurements(LagReading(error="sync unreachable"), GOOD_SHADOW))
    (bad,) = failed(results)
    assert bad.gate is Gate.FORWARD_LAG
    assert "unknown (sync unreachable)" in str(bad)


@pytest.mark.parametrize(
    ("shadow", "ok"),
    [
        (ShadowWindow(1000, 10), True),  # exactly 1 %
        (ShadowWindow(1000, 11), False),
        (ShadowWindow(100, 0), True),
        (ShadowWindow(99, 0), False),  # too few samples
        (ShadowWindow(0, 0), False),
    ],
)
def test_shadow_mismatch_rate_and_minimum_samples(shadow: ShadowWindow, ok: bool) -> None:
    assert verdicts(GOOD_LAG, shadow)[Gate.SHADOW_MISMATCH] is ok


def test_failure_names_gate_and_measured_value() -> None:
    (bad,) = failed(evaluate(POLICY, Measurements(GOOD_LAG, ShadowWindow(200, 50))))
    assert str(bad).startswith("shadow_mismatch FAILED: measured 25.00% (50 of 200)")


def test_measurements_serialise_for_the_audit_log() -> None:
    data = Measurements(LagReading(1.5, 7), ShadowWindow(200, 2, "2026-01-01T00:00:00+00:00"))
    assert data.as_dict()["forward_lag"]["seconds_behind"] == 1.5
    assert data.as_dict()["shadow"]["rate"] == 0.01


@pytest.mark.parametrize(
    ("direction", "current", "target", "applies"),
    [
        (Direction.READS, Lane(Stage.LEGACY), Lane(Stage.SHADOW), False),
        (Direction.READS, Lane(Stage.SHADOW), Lane(Stage.CANARY, 10), True),
        (Direction.READS, Lane(Stage.CANARY, 10), Lane(Stage.CANARY, 50), True),
        (Direction.READS, Lane(Stage.CANARY, 50), Lane(Stage.NEW), True),
        (Direction.READS, Lane(Stage.NEW), Lane(Stage.SHADOW), False),  # rollback
        (Direction.WRITES, Lane(Stage.SHADOW), Lane(Stage.CANARY, 10), False),
    ],
)
def test_gates_guard_reads_moving_beyond_shadow(
    direction: Direction, current: Lane, target: Lane, applies: bool
) -> None:
    assert gates_apply(direction, current, target) is applies
