"""The one evaluator, exhaustively on its own: every comparison at, below and above its
threshold, every signal missing (no evidence, never a pass), evidence too thin or too old, and
the gate policy's and writes gates' criteria judged by it like a plan step's."""

from __future__ import annotations

import itertools

import pytest

from ficus_contracts.criteria.evaluate import Reading, SignalSnapshot, Status, evaluate
from ficus_contracts.criteria.model import Criterion, Op, Signal
from ficus_control.cutover.core.gates import GatePolicy, policy_criteria
from ficus_control.cutover.core.writes_gates import writes_criteria

EXPECTED = {  # (op, measured below / at / above the threshold 10) -> holds
    Op.LT: (True, False, False),
    Op.LE: (True, True, False),
    Op.GT: (False, False, True),
    Op.GE: (False, True, True),
    Op.EQ: (False, True, False),
}


@pytest.mark.parametrize(("op", "where"), list(itertools.product(Op, range(3))))
def test_every_comparison_at_its_boundary(op: Op, where: int) -> None:
    criterion = Criterion("c", Signal.FORWARD_LAG, op, 10.0, f"{op} 10s")
    (result,) = evaluate([criterion], SignalSnapshot({Signal.FORWARD_LAG: Reading(9.0 + where)}))
    assert result.status is (Status.MET if EXPECTED[op][where] else Status.UNMET)


@pytest.mark.parametrize("signal", list(Signal))
def test_every_signal_missing_is_no_evidence(signal: Signal) -> None:
    for op in Op:  # whatever the comparison: no value never passes
        (result,) = evaluate([Criterion("c", signal, op, 0.0, f"{op} 0")], SignalSnapshot())
        assert result.status is Status.NO_EVIDENCE
        assert result.measured == f"no evidence ({signal} is not measured)"


@pytest.mark.parametrize(
    ("reading", "status"),
    [
        (Reading(0.0, samples=100, age_s=10), Status.MET),
        (Reading(0.0, samples=99, age_s=10), Status.NO_EVIDENCE),  # too thin
        (Reading(0.0, samples=None, age_s=10), Status.NO_EVIDENCE),
        (Reading(0.0, samples=100, age_s=61), Status.NO_EVIDENCE),  # too old
        (Reading(0.0, samples=100, age_s=None), Status.NO_EVIDENCE),  # age unknown
        (Reading(1.0, samples=100, age_s=10), Status.UNMET),
    ],
)
def test_thin_or_old_evidence_is_no_evidence(reading: Reading, status: Status) -> None:
    criterion = Criterion(
        "c", Signal.RECONCILIATION_MISMATCHES, Op.EQ, 0, "== 0", min_samples=100, max_age_s=60
    )
    snapshot = SignalSnapshot({Signal.RECONCILIATION_MISMATCHES: reading})
    assert evaluate([criterion], snapshot)[0].status is status


def test_gate_policy_and_writes_gates_are_criteria_of_the_same_evaluator() -> None:
    criteria = (*policy_criteria(GatePolicy()), *writes_criteria(5.0))
    good = SignalSnapshot({
        Signal.FORWARD_LAG: Reading(0.1), Signal.SHADOW_MISMATCH_RATE: Reading(0.0, 100),
        Signal.REVERSE_RUNNING: Reading(1.0), Signal.REVERSE_DLQ: Reading(0.0),
        Signal.REVERSE_LAG: Reading(4.9), Signal.RECONCILIATION_MISMATCHES: Reading(0.0, 1, 5),
        Signal.WRITE_ROUTES_MISSING: Reading(0.0, 14),
    })  # fmt: skip
    assert [r.status for r in evaluate(criteria, good)] == [Status.MET] * 7
    statuses = [r.status for r in evaluate(criteria, SignalSnapshot())]
    assert statuses == [Status.NO_EVIDENCE] * 7
