"""In-memory implementations of the ports, for tests of the service layer (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from ficus_contracts.cutover import Direction, DomainCutover, Lane
from ficus_control.cutover.core.audit import Action, AuditEntry, AuditRecord
from ficus_control.cutover.core.chain import GENESIS, ChainReport
from ficus_control.cutover.core.gates import GatePolicy, LagReading, ShadowWindow
from ficus_control.cutover.core.writes_gates import WritesEvidence
from ficus_control.errors import ConcurrentChange


@dataclass
class InMemoryStore:
    """CutoverStore, PolicySource and ShadowStats over dicts; `notified` records NOTIFYs."""

    gate_policy: GatePolicy = field(default_factory=GatePolicy)
    shadow: ShadowWindow = field(default_factory=ShadowWindow)
    rows: dict[str, DomainCutover] = field(default_factory=dict)
    log: list[AuditRecord] = field(default_factory=list)
    notified: list[str] = field(default_factory=list)

    def get(self, domain: str) -> DomainCutover | None:
        return self.rows.get(domain)

    def states(self) -> list[DomainCutover]:
        return sorted(self.rows.values(), key=lambda s: s.domain)

    def commit(self, expected_version: int, new: DomainCutover, entry: AuditEntry) -> DomainCutover:
        stored = self.rows.get(new.domain, DomainCutover(new.domain))
        if stored.version != expected_version:
            raise ConcurrentChange(new.domain)
        saved = replace(new, version=expected_version + 1)
        self.rows[new.domain] = saved
        now = dt.datetime.now(dt.UTC)
        self.log.append(AuditRecord(len(self.log) + 1, now, entry))
        self.notified.append(new.domain)
        return saved

    def audit(self, domain: str | None, limit: int) -> list[AuditRecord]:
        rows = [r for r in reversed(self.log) if domain is None or r.entry.domain == domain]
        return rows[:limit]

    def forward_history(self, domain: str, direction: Direction) -> list[tuple[Lane, Lane]]:
        return [
            (r.entry.from_lane, r.entry.to_lane)
            for r in reversed(self.log)
            if r.entry.domain == domain
            and r.entry.direction is direction
            and r.entry.action is Action.CUTOVER
            and r.entry.from_lane is not None
            and r.entry.to_lane is not None
        ]

    def verify_audit(self) -> ChainReport:
        """A list cannot be edited behind the store's back: always whole."""
        return ChainReport(len(self.log), GENESIS, None)

    def policy(self, domain: str) -> GatePolicy:
        return self.gate_policy

    def set_policy(self, domain: str, policy: GatePolicy, entry: AuditEntry) -> None:
        self.gate_policy = policy
        self.log.append(AuditRecord(len(self.log) + 1, dt.datetime.now(dt.UTC), entry))

    def latest_window(self, domain: str, window_seconds: int) -> ShadowWindow:
        return self.shadow


@dataclass
class FixedLag:
    reading: LagReading = field(default_factory=lambda: LagReading(0.1, 0))

    def lag(self, domain: str) -> LagReading:
        return self.reading


@dataclass
class FixedWritesEvidence:
    """WritesEvidenceSource answering `evidence` for every domain."""

    fixed: WritesEvidence

    def evidence(self, domain: str) -> WritesEvidence:
        return self.fixed
