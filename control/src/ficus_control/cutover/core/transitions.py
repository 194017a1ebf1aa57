"""The transition rules of a domain's cutover, for reads and writes separately (pure).

Forward moves go one stage at a time: reads legacy → shadow → canary N% → new → retired,
writes legacy → dual N% → new → retired; inside canary or dual, N may only rise (1..99).
Reads are never `dual` (nothing is written), writes never `shadow` or `canary` (a write cannot
be sent twice, nor fail open to Magento). Lowering anything is a rollback, and a rollback may
go to any earlier lane of the same direction. Writes may leave legacy only once the domain's
reads are at `new` (or `retired`): the new service must be trusted to answer before it takes
writes. `--force` overrides gates, never these rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from ficus_contracts.cutover import PERCENT_STAGES, Direction, DomainCutover, Lane, Stage, stages_of
from ficus_control.errors import InvalidRequest, TransitionRefused

_ROUTES = {
    Direction.READS: "legacy → shadow → canary N% → new → retired",
    Direction.WRITES: "legacy → dual N% → new → retired",
}
_WHY_NOT = {
    Stage.SHADOW: "a write cannot be sent to both sides",
    Stage.CANARY: "a write never fails open to Magento; dual N% moves writes by cohort",
    Stage.DUAL: "dual is the writes stage where the service is the system of record",
}


def lane_of(stage: Stage, percent: int | None) -> Lane:
    """The lane for a requested stage and percent, or a precise InvalidRequest."""
    if stage in PERCENT_STAGES:
        if percent is None:
            raise InvalidRequest(
                f"stage {stage.value} needs a percent (--percent N, N within 1..99)"
            )
        if not 1 <= percent <= 99:
            raise InvalidRequest(f"{stage.value} percent must be within 1..99, got {percent}")
        return Lane(stage, percent)
    if percent is not None:
        raise InvalidRequest(
            f"a percent applies only to stages canary and dual, not to {stage.value}"
        )
    return Lane(stage)


def check_stage(direction: Direction, lane: Lane) -> None:
    """Raise InvalidRequest if `lane`'s stage is not one `direction` moves through."""
    stages = stages_of(direction)
    if lane.stage not in stages:
        raise InvalidRequest(
            f"{lane.stage.value} is not a stage of {direction} ({_WHY_NOT[lane.stage]}); "
            f"{direction} move {_ROUTES[direction]}"
        )


def check_advance(state: DomainCutover, direction: Direction, target: Lane) -> None:
    """Raise InvalidRequest for a stage `direction` does not have, TransitionRefused unless
    moving `direction` of `state` forward to `target` is allowed."""
    check_stage(direction, target)
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
    if direction is Direction.WRITES and target.stage is not Stage.LEGACY:
        _require_reads_new(state)
    if not _is_one_step(stages_of(direction), current, target):
        raise TransitionRefused(
            f"{state.domain} {direction} cannot go from {current} to {target}: stages advance "
            f"one at a time ({_ROUTES[direction]})"
        )


def _is_one_step(stages: tuple[Stage, ...], current: Lane, target: Lane) -> bool:
    if current.stage is target.stage and current.stage in PERCENT_STAGES:
        return target.percent > current.percent
    if current.stage not in stages:  # stored before the stages split: roll it back first
        return False
    return stages.index(target.stage) == stages.index(current.stage) + 1


def _require_reads_new(state: DomainCutover) -> None:
    if state.reads.stage not in (Stage.NEW, Stage.RETIRED):
        raise TransitionRefused(
            f"{state.domain} writes may leave legacy only once its reads are at new "
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
    (from, to)), else the previous stage whose percent needs no guess (reads: canary and new
    fall back to shadow; writes: dual and new to legacy)."""
    if current.stage is Stage.LEGACY:
        raise TransitionRefused(f"{domain} {direction} is at legacy: nothing to roll back")
    if to is not None:
        check_stage(direction, to)
        if not to.is_before(current):
            raise TransitionRefused(
                f"cannot roll {domain} {direction} back to {to}: it is not earlier than {current}"
            )
        return to
    for before, after in history:
        if after == current and before.is_before(after):
            return before
    return _previous_stage(direction, current)


def _previous_stage(direction: Direction, current: Lane) -> Lane:
    if current.stage is Stage.RETIRED:
        return Lane(Stage.NEW)
    if direction is Direction.READS and current.stage in (Stage.CANARY, Stage.NEW):
        return Lane(Stage.SHADOW)
    return Lane(Stage.LEGACY)
