"""The cutover model shared by the control plane (writes it) and the proxy (reads it).

Storage (control database, owned by control's migrations):

    cutover_state(domain text PK, reads_stage text, reads_percent int, writes_stage text,
                  writes_percent int, reads_fail_open_tripped bool, version bigint,
                  updated_at timestamptz)

Every change bumps `version` and sends `NOTIFY ficus_cutover, '<domain>'` in the same
transaction; proxies LISTEN on CUTOVER_CHANNEL and also resync the whole table periodically.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

CUTOVER_CHANNEL = "ficus_cutover"
CUTOVER_TABLE = "cutover_state"


class Stage(enum.StrEnum):
    LEGACY = "legacy"
    SHADOW = "shadow"
    CANARY = "canary"
    NEW = "new"
    RETIRED = "retired"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)


_ORDER = [Stage.LEGACY, Stage.SHADOW, Stage.CANARY, Stage.NEW, Stage.RETIRED]


class Direction(enum.StrEnum):
    READS = "reads"
    WRITES = "writes"


@dataclass(frozen=True)
class Lane:
    """The stage of one direction of one domain; `percent` matters only for canary."""

    stage: Stage = Stage.LEGACY
    percent: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.percent <= 100:
            raise ValueError(f"percent must be within 0..100, got {self.percent}")

    @property
    def share_new(self) -> int:
        """Percentage of cohort buckets served by the new backend."""
        if self.stage is Stage.CANARY:
            return self.percent
        return 100 if self.stage in (Stage.NEW, Stage.RETIRED) else 0

    def is_before(self, other: Lane) -> bool:
        """True if `self` is an earlier stage than `other` (a rollback target)."""
        if self.stage is other.stage:
            return self.stage is Stage.CANARY and self.percent < other.percent
        return self.stage.rank < other.stage.rank

    def __str__(self) -> str:
        return f"canary {self.percent}%" if self.stage is Stage.CANARY else self.stage.value


@dataclass(frozen=True)
class DomainCutover:
    domain: str
    reads: Lane = Lane()
    writes: Lane = Lane()
    reads_fail_open_tripped: bool = False
    version: int = 0

    def lane(self, direction: Direction) -> Lane:
        return self.reads if direction is Direction.READS else self.writes
