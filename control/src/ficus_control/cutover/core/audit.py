"""Audit entries: who moved which lane of which domain, from where to where, and why (pure)."""

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


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    domain: str
    direction: Direction
    action: Action
    from_lane: Lane
    to_lane: Lane
    reason: str = ""
    forced: bool = False
    measured: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditRecord:
    """An entry as stored: with its id and the database's timestamp."""

    id: int
    at: datetime
    entry: AuditEntry
