"""Transition rules: which forward moves are allowed, where rollbacks land."""

from __future__ import annotations

import pytest

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_control.cutover.core.transitions import check_advance, lane_of, rollback_target
from ficus_control.errors import InvalidRequest, TransitionRefused

LEGACY, SHADOW, NEW, RETIRED = (
    Lane(s) for s in (Stage.LEGACY, Stage.SHADOW, Stage.NEW, Stage.RETIRED)
)


def canary(percent: int) -> Lane:
    return Lane(Stage.CANARY, percent)


ALLOWED = [
    (LEGACY, SHADOW),
    (SHADOW, canary(10)),
    (canary(10), canary(50)),
    (canary(50), NEW),
    (canary(99), NEW),
    (NEW, RETIRED),
]

REFUSED = [
    (LEGACY, canary(10), "one at a time"),
    (LEGACY, NEW, "one at a time"),
    (SHADOW, NEW, "one at a time"),
    (SHADOW, RETIRED, "one at a time"),
    (canary(10), RETIRED, "one at a time"),
    (canary(50), canary(10), "rollback"),
    (canary(50), canary(50), "already at canary 50%"),
    (NEW, SHADOW, "rollback"),
    (SHADOW, LEGACY, "rollback"),
    (LEGACY, LEGACY, "already at legacy"),
    (RETIRED, NEW, "rollback"),
]


@pytest.mark.parametrize(("current", "target"), ALLOWED, ids=str)
def test_reads_forward_moves_allowed(current: Lane, target: Lane) -> None:
    check_advance(DomainCutover("catalog", reads=current), Direction.READS, target)


@pytest.mark.parametrize(("current", "target", "why"), REFUSED, ids=str)
def test_reads_forward_moves_refused(current: Lane, target: Lane, why: str) -> None:
    with pytest.raises(TransitionRefused, match=why):
        check_advance(DomainCutover("catalog", reads=current), Direction.READS, target)


def test_same_lane_on_tripped_reads_points_at_reenable() -> None:
    state = DomainCutover("catalog", reads=canary(10), reads_fail_open_tripped=True)
    with pytest.raises(TransitionRefused, match="ficus reenable"):
        check_advance(state, Direction.READS, canary(10))


@pytest.mark.parametrize(
    ("stage", "percent", "lane"),
    [(Stage.SHADOW, None, SHADOW), (Stage.CANARY, 1, canary(1)), (Stage.CANARY, 99, canary(99))],
)
def test_lane_of_valid(stage: Stage, percent: int | None, lane: Lane) -> None:
    assert lane_of(stage, percent) == lane


@pytest.mark.parametrize(
    ("stage", "percent", "message"),
    [
        (Stage.CANARY, None, "needs a percent"),
        (Stage.CANARY, 0, "within 1..99, got 0"),
        (Stage.CANARY, 100, "within 1..99, got 100"),
        (Stage.CANARY, -5, "got -5"),
        (Stage.NEW, 50, "only to stages canary and dual, not to new"),
    ],
)
def test_lane_of_invalid(stage: Stage, percent: int | None, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        lane_of(stage, percent)


HISTORY = [  # newest first, as the store returns it
    (canary(50), NEW),
    (canary(10), canary(50)),
    (SHADOW, canary(10)),
    (LEGACY, SHADOW),
]


@pytest.mark.parametrize(
    ("current", "history", "expected"),
    [
        (NEW, HISTORY, canary(50)),
        (canary(50), HISTORY, canary(10)),
        (canary(10), HISTORY, SHADOW),
        (SHADOW, HISTORY, LEGACY),
        (NEW, [], SHADOW),
        (canary(30), [], SHADOW),
        (RETIRED, [], NEW),
        (SHADOW, [], LEGACY),
    ],
    ids=str,
)
def test_rollback_one_step(current: Lane, history: list[tuple[Lane, Lane]], expected: Lane) -> None:
    assert rollback_target("catalog", Direction.READS, current, None, history) == expected


@pytest.mark.parametrize("to", [LEGACY, SHADOW, canary(5), canary(49)], ids=str)
def test_rollback_to_any_earlier_lane(to: Lane) -> None:
    assert rollback_target("catalog", Direction.READS, canary(50), to, HISTORY) == to


@pytest.mark.parametrize("to", [canary(50), canary(60), NEW, RETIRED], ids=str)
def test_rollback_to_a_later_or_equal_lane_is_refused(to: Lane) -> None:
    with pytest.raises(TransitionRefused, match="not earlier than canary 50%"):
        rollback_target("catalog", Direction.READS, canary(50), to, HISTORY)


def test_nothing_to_roll_back_at_legacy() -> None:
    with pytest.raises(TransitionRefused, match="nothing to roll back"):
        rollback_target("catalog", Direction.WRITES, LEGACY, None, [])
