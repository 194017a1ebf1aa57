"""The transition rules of a domain's cutover, for reads and writes separately (pure).

Forward moves go one stage at a time: legacy → shadow → canary N% → new → retired; inside
canary, N may only rise (1..99). Lowering anything is a rollback, and a rollback may go to any
earlier lane. Writes may go beyond shadow only once the domain's reads are at `new` (or
`retired`): the new service must be trusted to answer before it takes writes. `--force`
overrides gates, never these rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_control.errors import InvalidRequest, TransitionRefused

_ROUTE = "legacy → shadow → canary N% → new → retired"


def lane_of(stage: Stage, percent: int | None) -> Lane:
    """The lane for a requested stage and percent, or a precise InvalidRequest."""
    if stage is Stage.CANARY:
        if percent is None:
            raise InvalidRequest("stage canary needs a percent (--percent N, N within 1..99)")
        if not 1 <= percent <= 99:
            raise InvalidRequest(f"canary percent must be within 1..99, got {percent}")
        return Lane(stage, percent)
    if percent is not None:
        raise InvalidRequest(f"a percent applies only to stage canary, not to {stage.value}")
    return Lane(stage)


def check_advance(state: DomainCutover, direction: Direction, target: Lane) -> None:
    """Raise TransitionRefused unless moving `direction` of `state` forward to `target` is
    allowed."""
    current = state.lane(direction)
    if target == current:
        hint = (
            " (it is tripped: `ficus reenable` clears that)" if _tripped(state, direction) else ""
        )
        raise TransitionRefused(f"{state.domain} {direction} is already at {current}{hint}")
    if target.is_before(current):
        raise TransitionRefused(
            f"{target} is earlier than {state.domain} {direction}' current {current}: that is "
            f"a rollback; use `ficus rollback {state.domain} --{direction} --to {target.stage}`"
        )
    if direction is Direction.WRITES and target.stage.rank > Stage.SHADOW.rank:
        _require_reads_new(state)
    if not _is_one_step(current, target):
        raise TransitionRefused(
            f"{state.domain} {direction} cannot go from {current} to {target}: stages advance "
            f"one at a time ({_ROUTE})"
        )


def _is_one_step(current: Lane, target: Lane) -> bool:
    if current.stage is Stage.CANARY and target.stage is Stage.CANARY:
        return target.percent > current.percent
    return target.stage.rank == current.stage.rank + 1


def _require_reads_new(state: DomainCutover) -> None:
    if state.reads.stage not in (Stage.NEW, Stage.RETIRED):
        raise TransitionRefused(
            f"{state.domain} writes may go beyond shadow only once its reads are at new "
            f"(reads are at {state.reads})"
        )


def _tripped(state: DomainCutover, direction: Direction) -> bool:
    return direction is Direction.READS and state.reads_fail_open_tripped


def rollback_target(
    domain: str,
    direction: Direction,
    current: Lane,
    to: Lane | None,
    history: Iterable[tuple[Lane, Lane]],
) -> Lane:
    """Where a rollback of `current` lands: `to` if given (it must be earlier), else one step
    back, i.e. the lane this one was reached from (newest forward move in `history`, pairs of
    (from, to)), else the previous stage (canary and new fall back to shadow, whose percent
    is not known)."""
    if current.stage is Stage.LEGACY:
        raise TransitionRefused(f"{domain} {direction} is at legacy: nothing to roll back")
    if to is not None:
        if not to.is_before(current):
            raise TransitionRefused(
                f"cannot roll {domain} {direction} back to {to}: it is not earlier than {current}"
            )
        return to
    for before, after in history:
        if after == current and before.is_before(after):
            return before
    return _previous_stage(current)


def _previous_stage(current: Lane) -> Lane:
    if current.stage is Stage.RETIRED:
        return Lane(Stage.NEW)
    if current.stage in (Stage.CANARY, Stage.NEW):
        return Lane(Stage.SHADOW)
    return Lane(Stage.LEGACY)
