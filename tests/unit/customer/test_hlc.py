"""The hybrid logical clock: monotonic whatever the wall clock does, past every event seen."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ficus_contracts.reverse import hlc_physical_ms
from ficus_customer.core.hlc import HybridClock, from_ms, observe, tick


def test_the_physical_part_is_the_wall_clock() -> None:
    clock = HybridClock(wall=lambda: 1_700_000_000_000)
    assert hlc_physical_ms(clock.now()) == 1_700_000_000_000


def test_a_wall_clock_that_steps_back_only_moves_the_counter() -> None:
    walls = iter([2_000, 1_000, 1_000])
    clock = HybridClock(wall=lambda: next(walls))
    first, second, third = clock.now(), clock.now(), clock.now()
    assert first < second < third
    assert hlc_physical_ms(third) == 2_000


def test_an_event_from_a_clock_ahead_moves_the_clock_past_it() -> None:
    clock = HybridClock(wall=lambda: 1_000)
    seen = clock.observe(5_000)
    assert seen > from_ms(5_000)
    assert clock.now() > seen


def test_restored_from_the_largest_value_written() -> None:
    clock = HybridClock(last=from_ms(9_000) + 7, wall=lambda: 1_000)
    assert clock.now() == from_ms(9_000) + 8


def test_now_after_a_given_value() -> None:
    clock = HybridClock(wall=lambda: 1_000)
    assert clock.now(after=from_ms(3_000)) == from_ms(3_000) + 1


@given(st.lists(st.tuples(st.integers(0, 10**13), st.integers(0, 10**13) | st.none())))
def test_never_goes_backwards(steps: list[tuple[int, int | None]]) -> None:
    last = 0
    for wall, remote in steps:
        value = tick(last, wall) if remote is None else observe(last, remote, wall)
        assert value > last
        if remote is not None:
            assert value > from_ms(remote)
        last = value


def test_an_observed_event_is_also_stamped_past_the_customers_stored_value() -> None:
    clock = HybridClock(wall=lambda: 1_000)
    stored = from_ms(7_000) + 3  # another process's stamp, its clock ahead
    assert clock.observe(2_000, after=stored) == stored + 1
    assert clock.observe(None, after=stored) > stored + 1
