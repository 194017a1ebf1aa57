"""The gate policy's reads gates: criteria evaluated by the one evaluator over measured
inputs (forward lag, the shadow window)."""

from __future__ import annotations

import datetime as dt

import pytest

from ficus_contracts.criteria.evaluate import CriterionResult, SignalSnapshot, evaluate, failed
from ficus_contracts.cutover import Direction, Lane, Stage
from ficus_control.cutover.core.gates import (
    Gate,
    GatePolicy,
    LagReading,
    Measurements,
    ShadowWindow,
    gates_apply,
    policy_criteria,
)

POLICY = GatePolicy(max_lag_seconds=2.0, max_mismatch_rate=0.01, min_shadow_samples=100)
NOW = dt.datetime(2026, 1, 1, 0, 1, tzinfo=dt.UTC)
LATEST = "2026-01-01T00:00:00+00:00"
GOOD_LAG = LagReading(0.4, 3)
GOOD_SHADOW = ShadowWindow(compared=1000, mismatched=5, latest=LATEST)


def results(lag: LagReading, shadow: ShadowWindow) -> list[CriterionResult]:
    readings = Measurements(lag, shadow).readings("catalog", NOW)
    return evaluate(policy_criteria(POLICY), SignalSnapshot(readings))


def verdicts(lag: LagReading, shadow: ShadowWindow) -> dict[str, bool]:
    return {r.name: r.passed for r in results(lag, shadow)}


def test_all_gates_pass() -> None:
    assert verdicts(GOOD_LAG, GOOD_SHADOW) == {Gate.FORWARD_LAG: True, Gate.SHADOW_MISMATCH: True}


@pytest.mark.parametrize(
    ("lag", "ok"),
    [(LagReading(1.99, 1), True), (LagReading(2.0, 1), False), (LagReading(30.0, 900), False)],
)
def test_lag_must_be_below_threshold(lag: LagReading, ok: bool) -> None:
    assert verdicts(lag, GOOD_SHADOW)[Gate.FORWARD_LAG] is ok


def test_unknown_lag_fails_as_no_evidence_with_its_reason() -> None:
    (bad,) = failed(results(LagReading(error="sync unreachable"), GOOD_SHADOW))
    assert bad.name == Gate.FORWARD_LAG
    assert str(bad).startswith("forward_lag no_evidence: measured no evidence (sync unreachable)")


@pytest.mark.parametrize(
    ("shadow", "ok"),
    [
        (ShadowWindow(1000, 10, LATEST), True),  # exactly 1 %
        (ShadowWindow(1000, 11, LATEST), False),
        (ShadowWindow(100, 0, LATEST), True),
        (ShadowWindow(99, 0, LATEST), False),  # too few samples
        (ShadowWindow(0, 0, LATEST), False),
        (ShadowWindow(0, 0, None), False),  # nothing recorded at all
        (ShadowWindow(100, 0, None), True),  # in-memory windows carry no time
    ],
)
def test_shadow_mismatch_rate_and_minimum_samples(shadow: ShadowWindow, ok: bool) -> None:
    assert verdicts(GOOD_LAG, shadow)[Gate.SHADOW_MISMATCH] is ok


def test_failure_names_gate_and_measured_value() -> None:
    (bad,) = failed(results(GOOD_LAG, ShadowWindow(200, 50, LATEST)))
    assert str(bad).startswith(
        "shadow_mismatch unmet: measured 25.000% (200 samples, 1m ago, 50 of 200 mismatched)"
    )
    assert "required shadow_mismatch_rate <= 1.00% in 300s, over >= 100 samples" in str(bad)


def test_measurements_serialise_for_the_audit_log() -> None:
    data = Measurements(LagReading(1.5, 7), ShadowWindow(200, 2, LATEST))
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
