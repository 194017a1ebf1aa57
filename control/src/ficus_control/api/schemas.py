"""Request and response bodies of the admin API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, Field

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_control.cutover import AuditRecord, GatePolicy
from ficus_control.cutover.core.chain import ChainReport


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
    writes_draining: bool = False

    @classmethod
    def of(cls, state: DomainCutover) -> DomainOut:
        return cls(
            domain=state.domain,
            reads=LaneOut.of(state.reads),
            writes=LaneOut.of(state.writes),
            reads_fail_open_tripped=state.reads_fail_open_tripped,
            version=state.version,
            writes_draining=state.writes_draining,
        )


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str = Field(description="who acted, from the token: token:<name> or proxy:auto")
    note: str = Field(description="the caller's free text about itself (e.g. cli:alice)")
    domain: str = Field(description="'' for a token change; '*' for the default gate policy")
    direction: Direction | None
    action: str
    from_lane: str | None
    to_lane: str | None
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
            note=e.note,
            domain=e.domain,
            direction=e.direction,
            action=e.action.value,
            from_lane=str(e.from_lane) if e.from_lane else None,
            to_lane=str(e.to_lane) if e.to_lane else None,
            reason=e.reason,
            forced=e.forced,
            measured=dict(e.measured),
        )


_NOTE = (
    "free text about the caller (e.g. cli:alice), recorded as the audit entry's note; the"
    " entry's actor is always the token's (`actor` is accepted as an old name of this field)"
)
_SEEN = (
    "an automatic action: the reads lane it measured (e.g. 'canary 20%'); refused (409) if"
    " the reads lane is no longer that"
)


_SEEN_WRITES = (
    "an automatic writes rollback: the writes lane it measured (e.g. 'dual 40%'); refused (409)"
    " if the writes lane is no longer that"
)
_NOTE_IN = AliasChoices("note", "actor")


class CutoverIn(BaseModel):
    direction: Direction
    stage: Stage
    percent: int | None = Field(default=None, description="canary (reads), dual (writes): 1..99")
    force: bool = False
    reason: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=200, description=_NOTE, validation_alias=_NOTE_IN)


class RollbackIn(BaseModel):
    direction: Direction
    to: Stage | None = Field(default=None, description="default: one step back")
    percent: int | None = None
    reason: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=200, description=_NOTE, validation_alias=_NOTE_IN)
    measured: dict[str, Any] = Field(default_factory=dict)
    seen_reads: str | None = Field(default=None, max_length=40, description=_SEEN)
    seen_writes: str | None = Field(default=None, max_length=40, description=_SEEN_WRITES)
    force: bool = Field(default=False, description="writes: roll back without draining")
    drain_timeout: float = Field(default=30.0, gt=0, le=600, description="writes: seconds")


class TripIn(BaseModel):
    direction: Direction = Direction.READS
    reason: str = Field(min_length=1, max_length=2000)
    note: str = Field(default="", max_length=200, description=_NOTE, validation_alias=_NOTE_IN)
    measured: dict[str, Any] = Field(default_factory=dict)
    seen_reads: str | None = Field(default=None, max_length=40, description=_SEEN)


class ReenableIn(BaseModel):
    reason: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=200, description=_NOTE, validation_alias=_NOTE_IN)


class AuditVerifyOut(BaseModel):
    ok: bool
    rows: int = Field(description="rows walked (up to and including the first bad one)")
    head: str = Field(description="hash of the last good row: keep it elsewhere to anchor")
    broken_id: int | None = None
    detail: str = ""

    @classmethod
    def of(cls, report: ChainReport) -> AuditVerifyOut:
        bad = report.broken
        return cls(
            ok=report.ok,
            rows=report.rows,
            head=report.head,
            broken_id=bad.id if bad else None,
            detail=str(bad) if bad else f"{report.rows} row(s), chain intact",
        )


class GatePolicyIn(BaseModel):
    max_lag_seconds: float = Field(gt=0)
    max_mismatch_rate: float = Field(ge=0, le=1)
    min_shadow_samples: int = Field(ge=1)
    window_seconds: int = Field(ge=1)
    note: str = Field(default="", max_length=200, description=_NOTE, validation_alias=_NOTE_IN)

    def policy(self) -> GatePolicy:
        return GatePolicy(
            self.max_lag_seconds, self.max_mismatch_rate, self.min_shadow_samples,
            self.window_seconds,
        )  # fmt: skip
