"""Audit entries: who did what, to which domain, from where to where, and why (pure).

Most entries move a lane of a domain (cutover, rollback, trip, re-enable); the others change
who may act (token create/revoke), how moves are gated (gate policy), or record a step of a
writes rollback's drain (drain): those have no direction or lanes, and token entries no
domain (`domain == ""`).

`actor` is who acted, as the control plane authenticated it (`token:<name>`, `proxy:auto` for
the proxy's own token, `db:<role>` for a command run straight on the database); `note` is the
caller's free text about itself (e.g. `cli:alice`), never trusted."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ficus_contracts.cutover import Direction, Lane


class Action(enum.StrEnum):
    CUTOVER = "cutover"
    ROLLBACK = "rollback"
    TRIP = "trip"
    REENABLE = "reenable"
    TOKEN_CREATE = "token-create"  # noqa: S105 (an action, not a secret)
    TOKEN_REVOKE = "token-revoke"  # noqa: S105
    GATE_POLICY = "gate-policy"
    DRAIN = "drain"  # one step of a writes rollback's drain (measured: {"step": ...})
    CONFLICT_RESOLVE = "conflict-resolve"  # measured: {"conflict", "take", "done"}


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    domain: str
    direction: Direction | None
    action: Action
    from_lane: Lane | None
    to_lane: Lane | None
    reason: str = ""
    forced: bool = False
    measured: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""


def admin_entry(
    actor: str, action: Action, domain: str, measured: Mapping[str, Any], note: str = ""
) -> AuditEntry:
    """An entry that moves no lane: a token or gate-policy change."""
    return AuditEntry(actor, domain, None, action, None, None, "", False, measured, note)


@dataclass(frozen=True)
class AuditRecord:
    """An entry as stored: with its id and the database's timestamp."""

    id: int
    at: datetime
    entry: AuditEntry
