"""Writes lanes: legacy → dual N% → new → retired; reads never dual, writes never shadow or
canary; the `dual` stage in the shared contract."""

from __future__ import annotations

import pytest

from ficus_contracts.cutover import Direction, DomainCutover, Lane, Stage
from ficus_control.cutover.core.transitions import check_advance, lane_of, rollback_target
from ficus_control.errors import InvalidRequest, TransitionRefused

LEGACY, SHADOW, NEW, RETIRED = (
    Lane(s) for s in (Stage.LEGACY, Stage.SHADOW, Stage.NEW, Stage.RETIRED)
)
READS_NEW = DomainCutover("customer", reads=NEW)


def dual(percent: int) -> Lane:
    return Lane(Stage.DUAL, percent)


def test_dual_is_between_shadow_and_canary_and_moves_a_share_of_buckets() -> None:
    assert Stage.SHADOW.rank < Stage.DUAL.rank < Stage.CANARY.rank
    assert dual(30).share_new == 30
    assert str(dual(30)) == "dual 30%"
    assert dual(10).is_before(dual(30)) and not dual(30).is_before(dual(10))
    assert LEGACY.is_before(dual(1)) and dual(99).is_before(NEW)


@pytest.mark.parametrize(
    ("current", "target"),
    [(LEGACY, dual(10)), (dual(10), dual(50)), (dual(50), NEW), (dual(99), NEW), (NEW, RETIRED)],
    ids=str,
)
def test_writes_forward_moves_allowed(current: Lane, target: Lane) -> None:
    check_advance(DomainCutover("customer", reads=NEW, writes=current), Direction.WRITES, target)


@pytest.mark.parametrize(
    ("current", "target", "why"),
    [
        (LEGACY, NEW, "one at a time \\(legacy → dual N% → new → retired\\)"),
        (dual(10), RETIRED, "one at a time"),
        (dual(50), dual(10), "rollback"),
        (dual(50), dual(50), "already at dual 50%"),
    ],
    ids=str,
)
def test_writes_forward_moves_refused(current: Lane, target: Lane, why: str) -> None:
    state = DomainCutover("customer", reads=NEW, writes=current)
    with pytest.raises(TransitionRefused, match=why):
        check_advance(state, Direction.WRITES, target)


@pytest.mark.parametrize(
    ("target", "why"),
    [
        (SHADOW, "shadow is not a stage of writes \\(a write cannot be sent to both sides\\)"),
        (Lane(Stage.CANARY, 10), "canary is not a stage of writes \\(a write never fails open"),
    ],
    ids=str,
)
def test_shadow_and_canary_are_refused_for_writes(target: Lane, why: str) -> None:
    with pytest.raises(InvalidRequest, match=why) as refused:
        check_advance(READS_NEW, Direction.WRITES, target)
    assert "writes move legacy → dual N% → new → retired" in str(refused.value)


def test_dual_is_refused_for_reads() -> None:
    with pytest.raises(InvalidRequest, match="dual is not a stage of reads") as refused:
        check_advance(DomainCutover("customer"), Direction.READS, dual(10))
    assert "reads move legacy → shadow → canary N% → new → retired" in str(refused.value)


@pytest.mark.parametrize("reads", [LEGACY, SHADOW, Lane(Stage.CANARY, 50)], ids=str)
def test_writes_leave_legacy_only_once_reads_are_new(reads: Lane) -> None:
    with pytest.raises(TransitionRefused, match="may leave legacy only once its reads are at new"):
        check_advance(DomainCutover("customer", reads=reads), Direction.WRITES, dual(25))


def test_dual_needs_a_percent_within_1_99() -> None:
    assert lane_of(Stage.DUAL, 40) == dual(40)
    with pytest.raises(InvalidRequest, match="stage dual needs a percent"):
        lane_of(Stage.DUAL, None)
    with pytest.raises(InvalidRequest, match="dual percent must be within 1..99, got 100"):
        lane_of(Stage.DUAL, 100)


@pytest.mark.parametrize(
    ("current", "history", "expected"),
    [
        (NEW, [(dual(50), NEW), (LEGACY, dual(50))], dual(50)),
        (dual(50), [(dual(50), NEW), (dual(10), dual(50)), (LEGACY, dual(10))], dual(10)),
        (dual(30), [], LEGACY),
        (NEW, [], LEGACY),
        (RETIRED, [], NEW),
    ],
    ids=str,
)
def test_writes_roll_back_one_step(
    current: Lane, history: list[tuple[Lane, Lane]], expected: Lane
) -> None:
    assert rollback_target("customer", Direction.WRITES, current, None, history) == expected


def test_writes_cannot_roll_back_to_shadow() -> None:
    with pytest.raises(InvalidRequest, match="shadow is not a stage of writes"):
        rollback_target("customer", Direction.WRITES, dual(50), SHADOW, [])
