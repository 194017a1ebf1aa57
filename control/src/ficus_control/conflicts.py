"""Reverse sync's conflicts as the operator sees them (the dashboard, the admin API): a
domain's open conflicts, and a decision taken with a reason, applied by sync exactly as
`ficus conflicts resolve ID --take SIDE` applies it, and written to control's audit log."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from ficus_control.cutover.core.audit import Action, AuditEntry
from ficus_control.cutover.core.domains import DomainRegistry
from ficus_control.errors import ConflictRefused, InvalidRequest

Side = Literal["magento", "service"]


class ConflictSource(Protocol):
    """Sync's conflict log (`adapters.sync_conflicts`)."""

    def open(self, domain: str) -> list[dict[str, Any]]: ...

    def resolve(self, conflict_id: int, take: str, who: str) -> str: ...


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...


class Conflicts:
    def __init__(self, domains: DomainRegistry, source: ConflictSource, audit: AuditLog) -> None:
        self.domains = domains
        self.source = source
        self.audit = audit

    def open(self, domain: str) -> list[dict[str, Any]]:
        return self.source.open(self.domains.require(domain))

    def resolve(
        self, domain: str, conflict_id: int, take: Side, actor: str, reason: str, note: str = ""
    ) -> str:
        """Refused unless the conflict is open in `domain`; the reason is required."""
        if not reason.strip():
            raise InvalidRequest(
                "resolving a conflict needs a reason; it is written to the audit log"
            )
        if not any(c.get("id") == conflict_id for c in self.open(domain)):
            raise ConflictRefused(f"conflict {conflict_id} is not open in {domain}")
        done = self.source.resolve(conflict_id, take, actor)
        measured = {"conflict": conflict_id, "take": take, "done": done}
        entry = AuditEntry(
            actor, domain, None, Action.CONFLICT_RESOLVE, None, None, reason, False, measured, note
        )
        self.audit.record(entry)
        return done
