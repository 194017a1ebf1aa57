from __future__ import annotations

from ficus_contracts.criteria.evaluate import Status, evaluate
from ficus_contracts.guard.budget import BudgetPolicy, BudgetWindow, ErrorBudget
from tests.unit.proxy.clock import FakeClock


def test_no_verdict_below_min_requests() -> None:
    budget = ErrorBudget(BudgetPolicy(min_requests=10), FakeClock())
    for _ in range(9):
        budget.record(1, error=True)
    assert budget.evaluate() is None
    budget.record(1, error=True)
    breach = budget.evaluate()
    assert breach is not None
    assert breach.error_rate == 1.0


def test_error_rate_at_or_below_budget_is_fine() -> None:
    budget = ErrorBudget(BudgetPolicy(max_error_rate=0.05, min_requests=1), FakeClock())
    for i in range(100):
        budget.record(3, error=i < 5)
    assert budget.evaluate() is None
    budget.record(3, error=True)
    assert budget.evaluate() is not None


def test_p99_breach_is_reported_with_measured_values() -> None:
    budget = ErrorBudget(BudgetPolicy(max_p99_ms=200, min_requests=1), FakeClock())
    for _ in range(97):
        budget.record(10, error=False)
    for _ in range(3):
        budget.record(900, error=False)
    breach = budget.evaluate()
    assert breach is not None
    assert breach.reason == "p99 latency over budget"
    assert breach.p99_ms == 1000.0
    assert breach.measured()["requests"] == 100


def test_window_slides() -> None:
    clock = FakeClock()
    budget = ErrorBudget(BudgetPolicy(window_seconds=10, min_requests=1), clock)
    for _ in range(10):
        budget.record(1, error=True)
    assert budget.evaluate() is not None
    clock.advance(11)
    budget.record(1, error=False)
    assert budget.evaluate() is None


def test_the_window_gives_requests_errors_and_p99_and_empties_as_it_slides() -> None:
    clock = FakeClock()
    budget = ErrorBudget(BudgetPolicy(window_seconds=60), clock)
    assert budget.window() == BudgetWindow(0, 0, None)
    for i in range(100):
        budget.record(120 if i else 900, error=i < 3)
    assert budget.window() == BudgetWindow(100, 3, 150.0)
    clock.advance(61)
    assert budget.window() == BudgetWindow(0, 0, None)


def test_the_rollback_decision_is_the_one_evaluator_over_the_window() -> None:
    policy = BudgetPolicy(max_error_rate=0.05, max_p99_ms=200, min_requests=10)
    budget = ErrorBudget(policy, FakeClock())
    for i in range(20):
        budget.record(300 if i == 19 else 10, error=i < 2)
    results = evaluate(policy.criteria(), budget.window().snapshot())
    assert [(r.name, r.status) for r in results] == [
        ("error rate over budget", Status.UNMET),  # 2 of 20: 10 % > 5 %
        ("p99 latency over budget", Status.UNMET),
    ]
    assert str(results[0]) == (
        "error rate over budget unmet: measured 10.000% (20 samples), "
        "required budget_error_rate <= 5.00%, over >= 10 samples"
    )
    breach = budget.evaluate()
    assert breach is not None and breach.reason == results[0].name  # the first unmet names it


def test_too_few_answers_are_no_evidence_never_a_breach() -> None:
    policy = BudgetPolicy(min_requests=10)
    budget = ErrorBudget(policy, FakeClock())
    for _ in range(9):
        budget.record(5000, error=True)
    statuses = {r.status for r in evaluate(policy.criteria(), budget.window().snapshot())}
    assert statuses == {Status.NO_EVIDENCE} and budget.evaluate() is None
