"""What the plan service needs from the outside world; adapters implement these."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Protocol

from ficus_contracts.criteria.evaluate import Reading
from ficus_contracts.criteria.model import Signal

# the writes gates read them too: they live with them, the plan re-exports them
from ficus_control.cutover.core.writes_gates import Reconciliation as Reconciliation
from ficus_control.cutover.core.writes_gates import ReverseHealth
from ficus_control.plan.core.model import Plan


class PlanStore(Protocol):
    """The plan's versions, its soak clocks and its evidence in the control database."""

    def save(self, plan: Plan, body: Mapping[str, Any]) -> bool:
        """Store the plan under its version; False when that version was stored before."""
        ...

    def soak(
        self, domain: str, step: str, holding: Collection[str], watched: Collection[str]
    ) -> dict[str, float]:
        """In one transaction: start the clock of each `holding` criterion not yet running,
        stop the clock of every other `watched` criterion; return seconds held per holding
        criterion."""
        ...

    def last_reconciliation(self, domain: str) -> Reconciliation | None: ...

    def record_reconciliation(
        self, domain: str, sampled: int, mismatched: int, detail: Mapping[str, Any]
    ) -> int:
        """Append a consistency-check result; returns its id."""
        ...

    def auto_disable_free(self, domain: str) -> float:
        """Seconds since the domain's last trip or automatic rollback (`proxy:auto`);
        infinity when it never had one."""
        ...


class ExtraSignals(Protocol):
    """Signals measured outside control's database (e.g. the proxies' metrics)."""

    signals: frozenset[Signal]  # the signals `read` measures

    def read(self, domain: str) -> Mapping[Signal, Reading]: ...

    def close(self) -> None: ...


class ReverseProbe(Protocol):
    """Reverse sync's health per domain (sync `GET /v1/reverse/health`)."""

    def health(self, domain: str) -> ReverseHealth:
        """Never raises: an unreachable sync, or a domain it has no reverse sync for, gives
        a ReverseHealth with `error` set (no evidence)."""
        ...
