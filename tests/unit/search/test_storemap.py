"""The search API's store code map: seed until the first store event, then the table; an
in-process copy refreshed by age and at once for an unknown code."""

from __future__ import annotations

from ficus_search.storemap import StoreMap


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Table:
    def __init__(self, codes: dict[str, int] | None, default: int | None = None) -> None:
        self.codes = codes
        self.default = default
        self.loads = 0
        self.fail = False

    def __call__(self) -> tuple[dict[str, int], int | None] | None:
        self.loads += 1
        if self.fail:
            raise OSError("search database down")
        return None if self.codes is None else (dict(self.codes), self.default)


SEED = {"default": 1}


def _map(table: _Table, clock: _Clock) -> StoreMap:
    return StoreMap(table, SEED, max_age=1.0, miss_interval=0.1, clock=clock)


def test_the_seed_serves_until_a_store_event_was_applied() -> None:
    table, clock = _Table(None), _Clock()
    stores = _map(table, clock)
    assert stores.resolve("default") == 1
    assert stores.resolve("1") == 1
    assert stores.resolve("fr") is None
    table.codes = {"default": 1, "fr": 2}
    clock.now += 0.2
    assert stores.resolve("fr") == 2  # unknown code: reloaded at once


def test_the_table_replaces_the_seed_entirely() -> None:
    table, clock = _Table({"admin": 0, "main": 1}, default=1), _Clock()
    stores = _map(table, clock)
    assert stores.resolve("main") == 1
    assert stores.resolve("default") is None
    assert stores.codes() == {"admin": 0, "main": 1}
    assert stores.default() == 1


def test_the_default_store_is_the_seeds_default_code_before_store_events() -> None:
    assert _map(_Table(None), _Clock()).default() == 1
    assert StoreMap(_Table(None), {"en": 3}).default() is None


def test_a_renamed_code_stops_resolving_once_the_copy_is_too_old() -> None:
    table, clock = _Table({"default": 1}), _Clock()
    stores = _map(table, clock)
    assert stores.resolve("default") == 1
    table.codes = {"main": 1}
    clock.now += 0.5
    assert stores.resolve("default") == 1  # within max_age: the cached copy answers
    clock.now += 0.6
    assert stores.resolve("default") is None
    assert stores.resolve("main") == 1


def test_unknown_codes_reload_at_most_every_miss_interval() -> None:
    table, clock = _Table({"default": 1}), _Clock()
    stores = _map(table, clock)
    stores.resolve("default")
    for _ in range(5):
        assert stores.resolve("nope") is None
    assert table.loads == 1
    clock.now += 0.15
    assert stores.resolve("nope") is None
    assert table.loads == 2


def test_a_failed_reload_keeps_the_last_good_map() -> None:
    table, clock = _Table({"main": 1}), _Clock()
    stores = _map(table, clock)
    assert stores.resolve("main") == 1
    table.fail = True
    clock.now += 5
    assert stores.resolve("main") == 1
    assert table.loads == 2


def test_before_any_successful_load_the_seed_answers() -> None:
    table, clock = _Table(None), _Clock()
    table.fail = True
    assert _map(table, clock).resolve("default") == 1


def test_an_applied_store_event_expires_the_copy_at_once() -> None:
    table, clock = _Table({"default": 1, "fr": 2}), _Clock()
    stores = _map(table, clock)
    assert stores.resolve("fr") == 2
    table.codes = {"default": 1, "fr_be": 2}  # renamed
    assert stores.resolve("fr") == 2  # the copy is young: still served
    stores.expire()
    assert stores.resolve("fr") is None
    assert stores.resolve("fr_be") == 2
