"""The plan's pure core: validation with precise errors, the evaluator over synthetic signal
snapshots (met, unmet, no evidence, too few samples, too old, soak not yet held), where a
domain stands, and the repository's own plan file."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml

from ficus_contracts.criteria.evaluate import Reading, SignalSnapshot, Status, evaluate, failed
from ficus_contracts.criteria.model import Op, Signal
from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_control.cutover.core.domains import DEFAULT_DOMAINS
from ficus_control.plan.core.model import Step
from ficus_control.plan.core.parse import PlanInvalid, parse_plan
from ficus_control.plan.core.progress import progress, unavailable
from ficus_control.plan.core.proxy_metrics import read_signals, write_signals
from ficus_control.plan.loader import default_plan_path, load_plan

PLAN = """
domains:
  - domain: catalog
    phases:
      - phase: 1
        name: reads
        steps:
          - step: reads-shadow
            lane: reads
            to: shadow
            exit:
              - {name: lag, signal: forward_lag, threshold: "< 2s", soak: 10m}
              - {name: shadow, signal: shadow_mismatch_rate, threshold: "<= 0.1%",
                 min_samples: 1000}
              - {name: recon, signal: reconciliation_mismatches, threshold: "== 0",
                 min_samples: 1000, max_age: 30m}
              - {name: calm, signal: auto_disable_free, threshold: ">= 7d"}
              - {name: success, signal: read_success, threshold: "> 99.9%"}
              - {name: p99, signal: write_p99, threshold: "< 500ms"}
          - {step: reads-canary-10, lane: reads, to: canary 10}
          - {step: reads-new, lane: reads, to: new}
      - phase: 2
        name: dual write
        steps:
          - {step: writes-dual, lane: writes, to: dual 10}
"""


def _plan(text: str = PLAN) -> Any:
    return parse_plan(yaml.safe_load(text), "p.yaml", "v1", DEFAULT_DOMAINS)


def _step() -> Step:
    step: Step = _plan().domains[0].steps[0]
    return step


def test_thresholds_and_durations_are_parsed_in_the_signal_units() -> None:
    lag, shadow, recon, calm, success, p99 = _step().exit
    assert (lag.op, lag.value, lag.soak_s) == (Op.LT, 2.0, 600.0)
    assert (shadow.op, shadow.value, shadow.min_samples) == (Op.LE, 0.001, 1000)
    assert (recon.op, recon.value, recon.max_age_s) == (Op.EQ, 0.0, 1800.0)
    assert (calm.op, calm.value) == (Op.GE, 7 * 86400.0)
    assert (success.op, success.value) == (Op.GT, pytest.approx(0.999))
    assert (p99.op, p99.value) == (Op.LT, 500.0)


GOOD = {
    Signal.FORWARD_LAG: Reading(0.4),
    Signal.SHADOW_MISMATCH_RATE: Reading(0.0, samples=1200),
    Signal.RECONCILIATION_MISMATCHES: Reading(0.0, samples=1000, age_s=60),
    Signal.AUTO_DISABLE_FREE: Reading(math.inf),
    Signal.READ_SUCCESS: Reading(0.9995),
    Signal.WRITE_P99: Reading(120.0),
}
HELD = {"lag": 601.0}


def _statuses(readings: dict[Signal, Reading], held: dict[str, float]) -> dict[str, Status]:
    return {r.name: r.status for r in evaluate(_step().exit, SignalSnapshot(readings, held))}


def test_everything_measured_and_held_is_met() -> None:
    results = evaluate(_step().exit, SignalSnapshot(GOOD, HELD))
    assert failed(results) == []
    lag = results[0]
    assert (lag.measured, lag.soak and lag.soak.held_s) == ("0.4s", 601.0)
    assert results[3].measured == "never"


@pytest.mark.parametrize(
    ("signal", "reading", "name", "status"),
    [
        (Signal.FORWARD_LAG, Reading(2.0), "lag", Status.UNMET),
        (Signal.FORWARD_LAG, Reading(missing="sync unreachable"), "lag", Status.NO_EVIDENCE),
        (Signal.SHADOW_MISMATCH_RATE, Reading(0.002, samples=5000), "shadow", Status.UNMET),
        (Signal.SHADOW_MISMATCH_RATE, Reading(0.0, samples=999), "shadow", Status.NO_EVIDENCE),
        (Signal.RECONCILIATION_MISMATCHES, Reading(1.0, 1000, 60), "recon", Status.UNMET),
        (Signal.RECONCILIATION_MISMATCHES, Reading(0.0, 1000, 1801), "recon", Status.NO_EVIDENCE),
        (Signal.RECONCILIATION_MISMATCHES, Reading(0.0, 1000, None), "recon", Status.NO_EVIDENCE),
        (Signal.AUTO_DISABLE_FREE, Reading(86400.0), "calm", Status.UNMET),
        (Signal.READ_SUCCESS, Reading(0.999), "success", Status.UNMET),
        (Signal.WRITE_P99, Reading(500.0), "p99", Status.UNMET),
    ],
)
def test_each_criterion_fails_alone(
    signal: Signal, reading: Reading, name: str, status: Status
) -> None:
    statuses = _statuses({**GOOD, signal: reading}, HELD)
    assert {n: s for n, s in statuses.items() if s is not Status.MET} == {name: status}


def test_a_signal_absent_from_the_snapshot_is_no_evidence_never_a_pass() -> None:
    readings = {k: v for k, v in GOOD.items() if k is not Signal.WRITE_P99}
    (result,) = failed(evaluate(_step().exit, SignalSnapshot(readings, HELD)))
    assert (result.name, result.status) == ("p99", Status.NO_EVIDENCE)
    assert result.measured == "no evidence (write_p99 is not measured)"


def test_soak_not_yet_held_is_unmet_with_the_time_held() -> None:
    (result,) = failed(evaluate(_step().exit, SignalSnapshot(GOOD, {"lag": 42.0})))
    assert (result.name, result.status) == ("lag", Status.UNMET)
    assert result.soak is not None and (result.soak.required_s, result.soak.held_s) == (600, 42)
    assert "held 42s of 600s" in str(result)


def test_a_failing_soak_criterion_holds_nothing() -> None:
    (result,) = failed(
        evaluate(_step().exit, SignalSnapshot({**GOOD, Signal.FORWARD_LAG: Reading(9.0)}, HELD))
    )
    assert result.status is Status.UNMET
    assert result.soak is not None and result.soak.held_s == 0


def test_progress_follows_the_cutover_state() -> None:
    catalog = _plan().domains[0]
    start = progress(catalog, DomainCutover("catalog"))
    assert (start.step_name, start.phase, start.next and start.next.name) == (
        "start",
        1,
        "reads-shadow",
    )
    canary = progress(catalog, DomainCutover("catalog", reads=Lane(Stage.CANARY, 20)))
    assert (canary.step_name, canary.next and canary.next.name) == ("reads-canary-10", "reads-new")
    assert [s.value for _, s in canary.statuses()] == ["done", "current", "todo", "todo"]
    new = progress(catalog, DomainCutover("catalog", reads=Lane(Stage.NEW)))
    assert new.next is not None and new.next.direction is Direction.WRITES
    assert new.next.lane() == Lane(Stage.DUAL, 10)
    assert unavailable(new.next) is None  # the cutover model has `dual` (#13)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("domain: catalog", "domain: warehouse"),
            "plan p.yaml, domain 'warehouse': unknown domain 'warehouse'",
        ),
        (
            ("to: canary 10", "to: canery 10"),
            "domain 'catalog', step 'reads-canary-10': unknown stage 'canery 10'",
        ),
        (
            ("to: canary 10", "to: canary 100"),
            "step 'reads-canary-10': canary needs a percent within 1..99",
        ),
        (
            ("signal: forward_lag", "signal: forward_lagg"),
            "step 'reads-shadow': unknown signal 'forward_lagg'",
        ),
        (('"< 2s"', '"< 2ms"'), "step 'reads-shadow': unit 'ms' does not fit signal forward_lag"),
        (('"< 2s"', '"about 2"'), "step 'reads-shadow': bad threshold 'about 2' for forward_lag"),
        (("soak: 10m", "soak: 10 minutes"), "step 'reads-shadow': bad duration '10 minutes'"),
        (
            ("lane: reads\n            to: shadow", "lane: both\n            to: shadow"),
            "step 'reads-shadow': unknown lane 'both'",
        ),
        (("name: shadow,", "name: lag,"), "step 'reads-shadow': criterion name 'lag' used twice"),
        (("step: reads-new", "step: reads-shadow"), "step 'reads-shadow': step name used twice"),
        (("min_samples: 1000}", "min_samples: 0}"), "min_samples must be a positive integer"),
        (("to: dual 10", "to: canary 10"), "step 'writes-dual': writes have no stage 'canary'"),
        (("to: dual 10", "to: dual"), "step 'writes-dual': dual needs a percent within 1..99"),
        (("to: canary 10", "to: dual 10"), "step 'reads-canary-10': reads have no stage 'dual'"),
        (("signal: write_p99", "signal: budget_p99"), "unknown signal 'budget_p99'"),  # a guard's
    ],
)
def test_invalid_plans_are_refused_naming_file_domain_step_and_word(
    change: tuple[str, str], message: str
) -> None:
    with pytest.raises(PlanInvalid) as refused:
        _plan(PLAN.replace(*change, 1))
    assert message in str(refused.value)
    assert str(refused.value).startswith("plan p.yaml")


def test_the_repository_plan_is_valid_and_orders_the_domains() -> None:
    loaded = load_plan(default_plan_path(), DEFAULT_DOMAINS)
    assert [d.domain for d in loaded.plan.domains] == ["customer", "catalog", "search", "order"]
    catalog = loaded.plan.domain("catalog")
    assert catalog is not None
    phases: dict[int, list[str]] = {}
    for step in catalog.steps:
        phases.setdefault(step.phase, []).append(step.name)
    assert phases[1] == ["reads-shadow", "reads-canary-10", "reads-canary-50", "reads-new"]
    assert phases[2] == ["writes-dual-10"]
    assert phases[3][:4] == ["writes-dual-25", "writes-dual-50", "writes-dual-75", "writes-new"]
    assert phases[3][-2:] == ["reads-retired", "writes-retired"]
    assert len(loaded.plan.version) == 16


def test_the_local_stacks_plan_has_the_same_steps_and_signals_with_shorter_soaks() -> None:
    repo = load_plan(default_plan_path(), DEFAULT_DOMAINS).plan
    local = load_plan(default_plan_path().with_name("plan.local.yaml"), DEFAULT_DOMAINS).plan
    for ours, theirs in zip(local.domains, repo.domains, strict=True):
        assert [s.name for s in ours.steps] == [s.name for s in theirs.steps]
        for mine, real in zip(ours.steps, theirs.steps, strict=True):
            assert {c.signal for c in mine.exit} <= {c.signal for c in real.exit}
            assert all(c.soak_s is None for c in mine.exit)


PROXY_METRICS = """
# TYPE ficus_proxy_requests_total counter
ficus_proxy_requests_total{domain="catalog",backend="new",status="200"} 995.0
ficus_proxy_requests_total{domain="catalog",backend="new",status="503"} 5.0
ficus_proxy_requests_total{domain="catalog",backend="legacy",status="500"} 70.0
ficus_proxy_requests_total{domain="search",backend="new",status="200"} 10.0
ficus_proxy_request_seconds_bucket{domain="catalog",backend="new",le="0.05"} 900.0
ficus_proxy_request_seconds_bucket{domain="catalog",backend="new",le="0.1"} 985.0
ficus_proxy_request_seconds_bucket{domain="catalog",backend="new",le="0.25"} 995.0
ficus_proxy_request_seconds_bucket{domain="catalog",backend="new",le="+Inf"} 1000.0
"""


def test_proxy_metrics_give_read_success_and_p99_of_the_new_backend() -> None:
    readings = read_signals([PROXY_METRICS], "catalog")
    assert readings[Signal.READ_SUCCESS] == Reading(0.995, 1000)
    assert readings[Signal.READ_P99] == Reading(250.0, 1000)
    assert read_signals([PROXY_METRICS, PROXY_METRICS], "search")[Signal.READ_SUCCESS] == (
        Reading(1.0, 20)
    )  # summed over the replicas
    nothing = read_signals([PROXY_METRICS], "customer")[Signal.READ_P99]
    assert nothing.value is None and "has answered no request" in (nothing.missing or "")


def write_window(domain: str, requests: int, p99_ms: float | None) -> str:
    """A proxy's writes budget window as its /metrics shows it (no p99 line while empty)."""
    lines = [f'ficus_proxy_write_window_requests{{domain="{domain}"}} {requests}.0']
    if p99_ms is not None:
        lines.append(f'ficus_proxy_write_p99_ms{{domain="{domain}"}} {p99_ms}')
    return "\n".join(lines) + "\n"


def test_write_p99_is_the_worst_replica_over_every_replica_window() -> None:
    texts = [write_window("customer", 900, 150.0), write_window("customer", 300, 400.0)]
    assert write_signals(texts, "customer") == {Signal.WRITE_P99: Reading(400.0, 1200)}
    assert write_signals(texts[:1], "customer") == {Signal.WRITE_P99: Reading(150.0, 900)}


@pytest.mark.parametrize(
    "texts",
    [[], [write_window("customer", 0, None)], [write_window("catalog", 50, 20.0)], [PROXY_METRICS]],
)
def test_write_p99_without_writes_in_the_window_is_no_evidence(texts: list[str]) -> None:
    reading = write_signals(texts, "customer")[Signal.WRITE_P99]
    assert reading.value is None
    assert (
        reading.missing == "no write of customer reached its new backend within the proxies' window"
    )
