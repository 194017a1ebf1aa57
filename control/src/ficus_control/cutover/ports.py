"""What the cutover service needs from the outside world; adapters implement these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ficus_contracts.cutover import Direction, DomainCutover, Lane
from ficus_control.cutover.core.audit import AuditEntry, AuditRecord
from ficus_control.cutover.core.chain import ChainReport
from ficus_control.cutover.core.gates import GatePolicy, LagReading, ShadowWindow
from ficus_control.cutover.core.writes_gates import WritesEvidence


class CutoverStore(Protocol):
    """Cutover state and its append-only audit log."""

    def get(self, domain: str) -> DomainCutover | None:
        """The stored state, or None when the domain was never changed (it is at legacy)."""
        ...

    def states(self) -> list[DomainCutover]: ...

    def commit(self, expected_version: int, new: DomainCutover, entry: AuditEntry) -> DomainCutover:
        """In one transaction: store `new` with version+1 if the stored version is still
        `expected_version` (else ConcurrentChange), append `entry`, notify the proxies."""
        ...

    def audit(self, domain: str | None, limit: int) -> list[AuditRecord]:
        """Newest first."""
        ...

    def forward_history(self, domain: str, direction: Direction) -> list[tuple[Lane, Lane]]:
        """(from, to) of past forward moves (cutovers and re-enables), newest first."""
        ...

    def verify_audit(self) -> ChainReport:
        """Walk the audit log's hash chain from its first row."""
        ...


class PolicySource(Protocol):
    def policy(self, domain: str) -> GatePolicy: ...

    def set_policy(self, domain: str, policy: GatePolicy, entry: AuditEntry) -> None:
        """In one transaction: store `policy` for `domain` and append `entry`."""
        ...


class ShadowStats(Protocol):
    def latest_window(self, domain: str, window_seconds: int) -> ShadowWindow:
        """Comparisons in the `window_seconds` up to the newest recorded window."""
        ...


@dataclass(frozen=True)
class GateVerdict:
    """A plan's answer for one move: the step the domain stands at, its failing criteria
    (as the API shows them) and everything measured (for the audit log)."""

    step: str
    failed: list[dict[str, Any]]
    measured: dict[str, Any]


class PlanGate(Protocol):
    def check(self, state: DomainCutover, direction: Direction, target: Lane) -> GateVerdict | None:
        """The plan's criteria for moving `direction` of `state` forward to `target`; None when
        the plan does not cover the domain (the gate policy's gates apply)."""
        ...


class LagProbe(Protocol):
    def lag(self, domain: str) -> LagReading:
        """Never raises: an unreachable sync gives a reading with `error` set."""
        ...


class WritesEvidenceSource(Protocol):
    def evidence(self, domain: str) -> WritesEvidence:
        """Reverse sync's health, the last reconciliation and the service's write routes of
        `domain`. Never raises: what cannot be read is reported as missing (no evidence)."""
        ...


@dataclass(frozen=True)
class DrainReport:
    """Reverse sync's answer to a drain: everything the service accepted is in Magento
    (`drained`), or how much is still pending; `error` says why it is unknown."""

    drained: bool
    pending: int | None = None
    error: str | None = None


class ReverseDrain(Protocol):
    def drain(self, domain: str, timeout: float) -> DrainReport:
        """Wait (at most `timeout` seconds) until reverse sync has applied the domain's outbox
        to Magento. Never raises: an unreachable sync gives a report with `error` set."""
        ...
