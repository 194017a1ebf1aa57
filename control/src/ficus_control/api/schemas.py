"""Request and response bodies of the admin API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_control.cutover import AuditRecord


class LaneOut(BaseModel):
    stage: Stage
    percent: int
    share_new: int
    label: str

    @classmethod
    def of(cls, lane: Lane) -> LaneOut:
        return cls(
            stage=lane.stage, percent=lane.percent, share_new=lane.share_new, label=str(lane)
        )


class DomainOut(BaseModel):
    domain: str
    reads: LaneOut
    writes: LaneOut
    reads_fail_open_tripped: bool
    version: int

    @classmethod
    def of(cls, state: DomainCutover) -> DomainOut:
        return cls(
            domain=state.domain,
            reads=LaneOut.of(state.reads),
            writes=LaneOut.of(state.writes),
            reads_fail_open_tripped=state.reads_fail_open_tripped,
            version=state.version,
        )


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    domain: str
    direction: Direction
    action: str
    from_lane: str
    to_lane: str
    reason: str
    forced: bool
    measured: dict[str, Any]

    @classmethod
    def of(cls, record: AuditRecord) -> AuditOut:
        e = record.entry
        return cls(
            id=record.id,
            at=record.at,
            actor=e.actor,
            domain=e.domain,
            direction=e.direction,
            action=e.action.value,
            from_lane=str(e.from_lane),
            to_lane=str(e.to_lane),
            reason=e.reason,
            forced=e.forced,
            measured=dict(e.measured),
        )


_ACTOR = "who asks (e.g. cli:alice, proxy:auto); defaults to the token's name"
_SEEN = (
    "an automatic action: the reads lane it measured (e.g. 'canary 20%'); refused (409) if"
    " the reads lane is no longer that"
)


class CutoverIn(BaseModel):
    direction: Direction
    stage: Stage
    percent: int | None = Field(default=None, description="canary only, 1..99")
    force: bool = False
    reason: str = Field(default="", max_length=2000)
    actor: str | None = Field(default=None, max_length=200, description=_ACTOR)


class RollbackIn(BaseModel):
    direction: Direction
    to: Stage | None = Field(default=None, description="default: one step back")
    percent: int | None = None
    reason: str = Field(default="", max_length=2000)
    actor: str | None = Field(default=None, max_length=200, description=_ACTOR)
    measured: dict[str, Any] = Field(default_factory=dict)
    seen_reads: str | None = Field(default=None, max_length=40, description=_SEEN)


class TripIn(BaseModel):
    direction: Direction = Direction.READS
    reason: str = Field(min_length=1, max_length=2000)
    actor: str | None = Field(default=None, max_length=200, description=_ACTOR)
    measured: dict[str, Any] = Field(default_factory=dict)
    seen_reads: str | None = Field(default=None, max_length=40, description=_SEEN)


class ReenableIn(BaseModel):
    reason: str = Field(default="", max_length=2000)
    actor: str | None = Field(default=None, max_length=200, description=_ACTOR)
