"""Writes gates: reverse sync running with an empty DLQ and lag under the gate, a clean last
reconciliation, every write route served; missing evidence fails; --force --reason overrides,
audited; rollbacks are never gated."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml

from ficus_contracts.criteria.evaluate import CriterionResult, SignalSnapshot, evaluate
from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_control.cutover import CutoverService, DomainRegistry
from ficus_control.cutover.core.gates import Gate
from ficus_control.cutover.core.writes_gates import (
    Reconciliation,
    ReverseHealth,
    WritesEvidence,
    route_row,
    served_rows,
    write_rows,
    writes_criteria,
)
from ficus_control.cutover.inmemory import FixedLag, FixedWritesEvidence, InMemoryStore
from ficus_control.errors import GateRefused
from ficus_control.settings import DEFAULT_ROUTES

W = Direction.WRITES
ROWS = write_rows(yaml.safe_load(DEFAULT_ROUTES.read_text()), "customer")
GOOD = WritesEvidence(
    ReverseHealth(running=True, dlq=0, lag_seconds=0.4, pending=2),
    Reconciliation(sampled=2000, mismatched=0, age_s=60.0),
    ROWS,
    ROWS,
)


def evaluate_writes(evidence: WritesEvidence) -> list[CriterionResult]:
    return evaluate(writes_criteria(5.0), SignalSnapshot(evidence.readings()))


def failed(evidence: WritesEvidence) -> dict[str, str]:
    return {r.name: r.measured or "" for r in evaluate_writes(evidence) if not r.passed}


def test_the_customer_write_rows_of_the_route_table() -> None:
    expected = {
        ("POST", "/V1/integration/customer/token"), ("POST", "/V1/customers/isEmailAvailable"),
        ("POST", "/V1/customers"), ("PUT", "/V1/customers/me/password"),
        ("PUT", "/V1/customers/me"), ("PUT", "/V1/customers/{}"),
        ("DELETE", "/V1/customers/{}"), ("DELETE", "/V1/addresses/{}"),
        ("POST", "/V1/customers/resetPassword"), ("POST", "/V1/customers/confirm"),
        ("PUT", "/V1/customers/password"), ("PUT", "/V1/customers/validate"),
        ("PUT", "/V1/customers/me/activate"), ("PUT", "/V1/customers/{}/activate"),
    }  # fmt: skip
    assert expected == ROWS


def test_good_evidence_passes_every_gate() -> None:
    results = evaluate_writes(GOOD)
    assert [r.name for r in results] == [
        Gate.REVERSE_RUNNING, Gate.REVERSE_DLQ, Gate.REVERSE_LAG, Gate.RECONCILIATION,
        Gate.WRITE_ROUTES,
    ]  # fmt: skip
    assert all(r.passed for r in results)


@pytest.mark.parametrize(
    ("evidence", "gate", "measured"),
    [
        (replace(GOOD, health=ReverseHealth(running=False, last_error="boom")),
         Gate.REVERSE_RUNNING, "0 (not running, last error: boom)"),
        (replace(GOOD, health=replace(GOOD.health, dlq=3)), Gate.REVERSE_DLQ, "3"),
        (replace(GOOD, health=replace(GOOD.health, lag_seconds=5.0)), Gate.REVERSE_LAG,
         "5s (2 pending)"),
        (replace(GOOD, reconciliation=Reconciliation(2000, 4, 10)), Gate.RECONCILIATION,
         "4 (2000 samples, 10s ago)"),
        (replace(GOOD, reconciliation=None), Gate.RECONCILIATION, "no evidence"),
        (replace(GOOD, served=ROWS - {("DELETE", "/V1/addresses/{}")}), Gate.WRITE_ROUTES,
         "1 (14 samples, missing DELETE /V1/addresses/{})"),
        (replace(GOOD, served=None, routes_error="refused"), Gate.WRITE_ROUTES,
         "no evidence (refused)"),
        (replace(GOOD, required=frozenset()), Gate.WRITE_ROUTES, "no write row"),
    ],
)  # fmt: skip
def test_each_gate_fails_on_its_own_evidence(
    evidence: WritesEvidence, gate: Gate, measured: str
) -> None:
    bad = failed(evidence)
    assert list(bad) == [gate]
    assert measured in bad[gate]


def test_sync_unreachable_fails_every_reverse_gate_as_no_evidence() -> None:
    bad = failed(replace(GOOD, health=ReverseHealth(error="sync unreachable")))
    assert set(bad) == {Gate.REVERSE_RUNNING, Gate.REVERSE_DLQ, Gate.REVERSE_LAG}
    assert all("no evidence (sync unreachable)" in m for m in bad.values())


def test_placeholders_match_whatever_their_names() -> None:
    manifest = {"domain": "customer", "routes": [{"method": "put", "path": "/V1/customers/{id}"}]}
    assert served_rows(manifest) == {route_row("PUT", "/V1/customers/{customerId}")}


@pytest.fixture
def service() -> CutoverService:
    store = InMemoryStore()
    store.rows["customer"] = DomainCutover("customer", reads=Lane(Stage.NEW), version=1)
    return CutoverService(DomainRegistry(["customer"]), store, store, store, FixedLag())


def test_no_evidence_source_refuses_writes(service: CutoverService) -> None:
    with pytest.raises(GateRefused, match="reverse_running no_evidence: measured no evidence"):
        service.cutover("customer", W, Lane(Stage.DUAL, 10), "t")


def test_writes_move_with_evidence_and_every_forward_move_is_gated(
    service: CutoverService,
) -> None:
    source = FixedWritesEvidence(GOOD)
    service.writes_evidence = source
    service.cutover("customer", W, Lane(Stage.DUAL, 10), "t")
    measured = service.audit("customer", 1)[0].entry.measured
    assert [g["passed"] for g in measured["writes"]["gates"]] == [True] * 5
    source.fixed = replace(GOOD, health=replace(GOOD.health, dlq=1))
    with pytest.raises(GateRefused, match="reverse_dlq unmet: measured 1,"):
        service.cutover("customer", W, Lane(Stage.DUAL, 50), "t")
    back = service.rollback("customer", W, "t", reason="x", force=True)  # never gated
    assert back.writes == Lane()


def test_force_with_reason_overrides_and_is_audited(service: CutoverService) -> None:
    state = service.cutover("customer", W, Lane(Stage.DUAL, 10), "t", True, "checked by hand")
    assert state.writes == Lane(Stage.DUAL, 10)
    entry = service.audit("customer", 1)[0].entry
    assert entry.forced and entry.reason == "checked by hand"
    assert not entry.measured["writes"]["gates"][0]["passed"]
