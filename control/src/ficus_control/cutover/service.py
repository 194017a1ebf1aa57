"""The cutover service: every change to a domain's cutover goes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from ficus_contracts.criteria.evaluate import CriterionResult, SignalSnapshot, evaluate, failed
from ficus_contracts.cutover import Direction, DomainCutover, Lane
from ficus_control.cutover.core import gates, transitions, writes_gates
from ficus_control.cutover.core.audit import Action, AuditEntry, AuditRecord, admin_entry
from ficus_control.cutover.core.chain import ChainReport
from ficus_control.cutover.core.domains import DomainRegistry
from ficus_control.cutover.drain import WritesRollback
from ficus_control.cutover.ports import (
    CutoverStore,
    LagProbe,
    PlanGate,
    PolicySource,
    ShadowStats,
    WritesEvidenceSource,
)
from ficus_control.errors import (
    DrainFailed,
    GateRefused,
    InvalidRequest,
    PlanRefused,
    StaleDecision,
    TransitionRefused,
)


@dataclass(frozen=True)
class GateReport:
    domain: str
    policy: gates.GatePolicy
    measured: gates.Measurements
    results: list[CriterionResult]

    def as_dict(self) -> dict[str, Any]:
        return {**self.measured.as_dict(), "gates": [gate_dict(r) for r in self.results]}


def gate_dict(r: CriterionResult) -> dict[str, Any]:
    """A gate's result as the API shows it (`ficus gates`, the dashboard)."""
    return {
        "gate": r.name,
        "passed": r.passed,
        "status": r.status.value,
        "measured": r.measured if r.measured is not None else "no evidence",
        "threshold": r.threshold,
    }


class CutoverService:
    def __init__(
        self,
        domains: DomainRegistry,
        store: CutoverStore,
        policies: PolicySource,
        shadow: ShadowStats,
        lag: LagProbe,
    ) -> None:
        self.domains = domains
        self.store = store
        self.policies = policies
        self.shadow = shadow
        self.lag_probe = lag
        self.plan_gate: PlanGate | None = None  # set: every forward move is gated by the plan
        # writes lanes: no source means no evidence, so every writes gate fails (until forced)
        self.writes_evidence: WritesEvidenceSource | None = None
        self.max_reverse_lag_seconds = 5.0
        self.writes_rollback: WritesRollback | None = None  # None: writes roll back only forced

    def states(self) -> list[DomainCutover]:
        stored = {state.domain: state for state in self.store.states()}
        known = [stored.pop(name, DomainCutover(name)) for name in self.domains.names]
        return known + sorted(stored.values(), key=lambda s: s.domain)

    def get(self, domain: str) -> DomainCutover:
        self.domains.require(domain)
        return self.store.get(domain) or DomainCutover(domain)

    def audit(self, domain: str | None, limit: int) -> list[AuditRecord]:
        if domain is not None:
            self.domains.require(domain)
        if not 1 <= limit <= 1000:
            raise InvalidRequest(f"limit must be within 1..1000, got {limit}")
        return self.store.audit(domain, limit)

    def verify_audit(self) -> ChainReport:
        """Walk the audit log's hash chain; names the first row that does not fit."""
        return self.store.verify_audit()

    def set_policy(self, domain: str, policy: gates.GatePolicy, actor: str, note: str = "") -> None:
        """Change the gate thresholds of `domain` ('*': the default), audited."""
        if domain != "*":
            self.domains.require(domain)
        entry = admin_entry(actor, Action.GATE_POLICY, domain, asdict(policy), note)
        self.policies.set_policy(domain, policy, entry)

    def gates(self, domain: str) -> GateReport:
        self.domains.require(domain)
        policy = self.policies.policy(domain)
        measured = gates.Measurements(
            lag=self.lag_probe.lag(domain),
            shadow=self.shadow.latest_window(domain, policy.window_seconds),
        )
        now = SignalSnapshot(measured.readings(domain, dt.datetime.now(dt.UTC)))
        return GateReport(domain, policy, measured, evaluate(gates.policy_criteria(policy), now))

    def writes_gates(self, domain: str) -> tuple[list[CriterionResult], dict[str, Any]]:
        """The writes gates of `domain` now, and what was measured."""
        self.domains.require(domain)
        if self.writes_evidence is None:
            missing = writes_gates.ReverseHealth(error="control has no writes evidence source")
            evidence = writes_gates.WritesEvidence(missing, None, frozenset(), None, "not wired")
        else:
            evidence = self.writes_evidence.evidence(domain)
        criteria = writes_gates.writes_criteria(self.max_reverse_lag_seconds)
        results = evaluate(criteria, SignalSnapshot(evidence.readings()))
        return results, {**evidence.as_dict(), "gates": [gate_dict(r) for r in results]}

    def cutover(
        self,
        domain: str,
        direction: Direction,
        target: Lane,
        actor: str,
        force: bool = False,
        reason: str = "",
        note: str = "",
        plan_gate: PlanGate | None = None,
    ) -> DomainCutover:
        """Move one lane forward, gated by the plan (`plan_gate`, else the service's) when it
        covers the domain, else for reads beyond shadow by the gate policy; every forward move
        of writes also by the writes gates. Clears a reads trip."""
        if force and not reason.strip():
            raise InvalidRequest("--force needs a --reason; it is written to the audit log")
        state = self.get(domain)
        transitions.check_advance(state, direction, target)
        current = state.lane(direction)
        measured = self._gate(state, direction, target, force, plan_gate or self.plan_gate)
        new = _with_lane(state, direction, target)
        if direction is Direction.READS and state.reads_fail_open_tripped:
            new = replace(new, reads_fail_open_tripped=False)
            measured["cleared_fail_open_trip"] = True
        entry = AuditEntry(
            actor, domain, direction, Action.CUTOVER, current, target, reason, force, measured,
            note,
        )  # fmt: skip
        return self.store.commit(state.version, new, entry)

    def _gate(
        self,
        state: DomainCutover,
        direction: Direction,
        target: Lane,
        force: bool,
        plan_gate: PlanGate | None,
    ) -> dict[str, Any]:
        """What was measured; raises when a gate fails and the move is not forced."""
        measured = self._plan_or_policy(state, direction, target, force, plan_gate)
        if writes_gates.writes_gates_apply(direction, state.lane(direction), target):
            results, measured["writes"] = self.writes_gates(state.domain)
            bad = failed(results)
            if bad and not force:
                raise GateRefused(bad)
        return measured

    def _plan_or_policy(
        self,
        state: DomainCutover,
        direction: Direction,
        target: Lane,
        force: bool,
        plan_gate: PlanGate | None,
    ) -> dict[str, Any]:
        verdict = plan_gate.check(state, direction, target) if plan_gate is not None else None
        if verdict is not None:
            if verdict.failed and not force:
                raise PlanRefused(state.domain, verdict.step, verdict.failed)
            return dict(verdict.measured)
        if not gates.gates_apply(direction, state.lane(direction), target):
            return {}
        report = self.gates(state.domain)
        bad = failed(report.results)
        if bad and not force:
            raise GateRefused(bad)
        return report.as_dict()

    def rollback(
        self,
        domain: str,
        direction: Direction,
        actor: str,
        to: Lane | None = None,
        reason: str = "",
        measured: Mapping[str, Any] | None = None,
        seen_reads: str | None = None,
        note: str = "",
        *,
        seen_writes: str | None = None,
        force: bool = False,
        drain_timeout: float = 30.0,
    ) -> DomainCutover:
        """Move one lane back: to `to`, or one step back. Never gated. An automatic rollback
        whose measured lane (`seen_reads`, `seen_writes`) is no longer the lane is refused:
        another proxy's rollback, or a person's move, came first. A writes rollback drains
        reverse sync's outbox first (see `drain.py`); `force` (with a reason) skips the drain."""
        state = self.get(domain)
        _check_fresh(state, direction, seen_writes if direction is Direction.WRITES else seen_reads)
        if force and not reason.strip():
            raise InvalidRequest("--force needs a --reason; it is written to the audit log")
        current = state.lane(direction)
        history = self.store.forward_history(domain, direction)
        target = transitions.rollback_target(domain, direction, current, to, history)
        entry = AuditEntry(
            actor, domain, direction, Action.ROLLBACK, current, target, reason, force,
            dict(measured or {}), note,
        )  # fmt: skip
        if direction is Direction.WRITES and not force:
            if self.writes_rollback is None:
                raise DrainFailed(domain, "control has no reverse sync drain configured")
            return self.writes_rollback.run(state, target, entry, drain_timeout)
        return self.store.commit(state.version, _with_lane(state, direction, target), entry)

    def trip(
        self,
        domain: str,
        direction: Direction,
        actor: str,
        reason: str,
        measured: Mapping[str, Any] | None = None,
        seen_reads: str | None = None,
        note: str = "",
    ) -> DomainCutover:
        """The fail-open policy fired: reads go back to Magento until a person re-enables them.
        Tripping a tripped domain changes nothing; a trip measured on a reads lane that is
        gone (see `rollback`) is refused."""
        if direction is not Direction.READS:
            raise InvalidRequest("only reads fail open, so only reads can be tripped")
        state = self.get(domain)
        if state.reads_fail_open_tripped:
            return state
        _check_fresh(state, Direction.READS, seen_reads)
        entry = AuditEntry(
            actor,
            domain,
            direction,
            Action.TRIP,
            state.reads,
            state.reads,
            reason,
            False,
            dict(measured or {}),
            note,
        )
        return self.store.commit(state.version, replace(state, reads_fail_open_tripped=True), entry)

    def reenable(self, domain: str, actor: str, reason: str = "", note: str = "") -> DomainCutover:
        state = self.get(domain)
        if not state.reads_fail_open_tripped:
            raise TransitionRefused(f"{domain} reads are not tripped; nothing to re-enable")
        entry = AuditEntry(
            actor, domain, Direction.READS, Action.REENABLE, state.reads, state.reads, reason,
            note=note,
        )  # fmt: skip
        new = replace(state, reads_fail_open_tripped=False)
        return self.store.commit(state.version, new, entry)


def _check_fresh(state: DomainCutover, direction: Direction, seen: str | None) -> None:
    lane = str(state.lane(direction))
    if seen is not None and seen != lane:
        raise StaleDecision(state.domain, direction, seen, lane)


def _with_lane(state: DomainCutover, direction: Direction, lane: Lane) -> DomainCutover:
    if direction is Direction.READS:
        return replace(state, reads=lane)
    return replace(state, writes=lane)
