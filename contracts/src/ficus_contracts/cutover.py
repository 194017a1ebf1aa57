"""The cutover model shared by the control plane (writes it) and the proxy (reads it).

Storage (control database, owned by control's migrations):

    cutover_state(domain text PK, reads_stage text, reads_percent int, writes_stage text,
                  writes_percent int, reads_fail_open_tripped bool, writes_draining bool,
                  version bigint, updated_at timestamptz)

Reads and writes move through different stages (see READS_STAGES, WRITES_STAGES): reads
legacy → shadow → canary N% → new → retired (Magento answers whatever the new backend fails);
writes legacy → dual N% → new → retired, where N% of the cohort buckets write to the service,
the system of record for them, and reverse sync keeps Magento current (writes never fail
open). `writes_draining` is set while a writes rollback drains the outbox: the domain's writes
answer 503 with Retry-After meanwhile.

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
    DUAL = "dual"
    CANARY = "canary"
    NEW = "new"
    RETIRED = "retired"

    @property
    def rank(self) -> int:
        return _ORDER.index(self)


_ORDER = [Stage.LEGACY, Stage.SHADOW, Stage.DUAL, Stage.CANARY, Stage.NEW, Stage.RETIRED]
# stages that take a percent of the cohort buckets
PERCENT_STAGES = frozenset({Stage.CANARY, Stage.DUAL})


class Direction(enum.StrEnum):
    READS = "reads"
    WRITES = "writes"


READS_STAGES = (Stage.LEGACY, Stage.SHADOW, Stage.CANARY, Stage.NEW, Stage.RETIRED)
WRITES_STAGES = (Stage.LEGACY, Stage.DUAL, Stage.NEW, Stage.RETIRED)


def stages_of(direction: Direction) -> tuple[Stage, ...]:
    """The stages a lane of `direction` moves through, in order."""
    return READS_STAGES if direction is Direction.READS else WRITES_STAGES


@dataclass(frozen=True)
class Lane:
    """The stage of one direction of one domain; `percent` matters only for canary and dual."""

    stage: Stage = Stage.LEGACY
    percent: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.percent <= 100:
            raise ValueError(f"percent must be within 0..100, got {self.percent}")

    @property
    def share_new(self) -> int:
        """Percentage of cohort buckets served by the new backend."""
        if self.stage in PERCENT_STAGES:
            return self.percent
        return 100 if self.stage in (Stage.NEW, Stage.RETIRED) else 0

    def is_before(self, other: Lane) -> bool:
        """True if `self` is an earlier stage than `other` (a rollback target)."""
        if self.stage is other.stage:
            return self.stage in PERCENT_STAGES and self.percent < other.percent
        return self.stage.rank < other.stage.rank

    def __str__(self) -> str:
        if self.stage in PERCENT_STAGES:
            return f"{self.stage.value} {self.percent}%"
        return self.stage.value


@dataclass(frozen=True)
class DomainCutover:
    domain: str
    reads: Lane = Lane()
    writes: Lane = Lane()
    reads_fail_open_tripped: bool = False
    version: int = 0
    writes_draining: bool = False

    def lane(self, direction: Direction) -> Lane:
        return self.reads if direction is Direction.READS else self.writes
