"""The customer aggregate in sync's pure core: which rows touch a customer, and the no-echo
plan (which reverse-sync markers become expectations, which changes make them stale)."""

from __future__ import annotations

import pytest

from ficus_contracts.customers import CustomerState
from ficus_sync.core.echo import Expectation, plan_echoes
from ficus_sync.core.envelope import ChangeEvent, Op, Row
from ficus_sync.core.statehash import DELETED_HASH, state_hash, state_text, text_hash
from ficus_sync.core.tables import AGGREGATES, CAPTURED, touched
from ficus_sync.projector import Change, Echo, Projector


@pytest.mark.parametrize(
    ("table", "row", "expected"),
    [
        ("customer_entity", {"entity_id": 5, "email": "a@b.c"}, [("customer", 5)]),
        ("customer_entity_varchar", {"entity_id": 6, "value": "x"}, [("customer", 6)]),
        ("customer_address_entity", {"entity_id": 40, "parent_id": 7}, [("customer", 7)]),
        ("customer_address_entity", {"entity_id": 41, "parent_id": None}, []),
        ("customer_address_entity_int", {"entity_id": 40, "value": 1}, [("customer_address", 40)]),
        (
            "ficus_reverse_log",
            {"aggregate": "customer", "entity_id": 8, "outbox_id": 3, "state_hash": "h"},
            [("customer", 8)],
        ),
        ("ficus_reverse_log", {"aggregate": "order", "entity_id": 8, "outbox_id": 3}, []),
    ],
)
def test_customer_rows_touch_their_customer(table: str, row: Row, expected: object) -> None:
    assert touched(table, row) == expected


def test_every_customer_table_and_the_reverse_log_are_captured() -> None:
    for backend in ("varchar", "int", "decimal", "text", "datetime"):
        assert f"customer_entity_{backend}" in CAPTURED
        assert f"customer_address_entity_{backend}" in CAPTURED
    assert {"customer_entity", "customer_address_entity", "ficus_reverse_log"} <= set(CAPTURED)
    assert AGGREGATES[-1] == "customer"


def test_the_state_hash_is_the_hash_of_the_state_text() -> None:
    state = CustomerState(
        entity_id=1, website_id=1, email="a@example.com", created_at="2024-01-01 00:00:00",
        updated_at="2024-01-01 00:00:00",
    )  # fmt: skip
    assert state_hash(state) == text_hash(state_text(state))
    assert len(state_hash(state)) == 40
    assert state_hash(None) == DELETED_HASH


def _marker(txn: str, entity_id: int, outbox_id: int, digest: str) -> ChangeEvent:
    row: Row = {"domain": "customer", "outbox_id": outbox_id, "aggregate": "customer",
                "entity_id": entity_id, "state_hash": digest}  # fmt: skip
    return ChangeEvent("ficus_reverse_log", Op.CREATE, None, row, transaction_id=txn)


def _customer(txn: str | None, entity_id: int, op: Op = Op.UPDATE) -> ChangeEvent:
    row: Row = {"entity_id": entity_id, "firstname": "X"}
    return ChangeEvent("customer_entity", op, row, row, transaction_id=txn)


def test_the_markers_own_rows_keep_it() -> None:
    plan = plan_echoes([_marker("0-1-5", 9, 1, "h1"), _customer("0-1-5", 9)], {})
    assert plan.add == [Expectation("customer", 9, "h1", 1, "0-1-5")]
    assert plan.drop == {("customer", 9): "0-1-5"}  # stored ones of other transactions go


def test_a_later_foreign_change_drops_the_expectation() -> None:
    plan = plan_echoes(
        [_marker("0-1-5", 9, 1, "h1"), _customer("0-1-5", 9), _customer("0-1-6", 9)], {}
    )
    assert plan.add == []
    assert plan.drop == {("customer", 9): "0-1-6"}


def test_several_reverse_transactions_keep_every_marker() -> None:
    events = []
    for n in range(1, 4):
        events += [_marker(f"0-1-{n}", 9, n, f"h{n}"), _customer(f"0-1-{n}", 9)]
    plan = plan_echoes(events, {})
    assert [e.outbox_id for e in plan.add] == [3]  # each marker is stale once the next passes
    assert plan.drop == {("customer", 9): "0-1-3"}


def test_address_values_resolve_to_their_customer_and_snapshot_reads_expect_nothing() -> None:
    value = ChangeEvent(
        "customer_address_entity_varchar", Op.CREATE, None, {"entity_id": 40, "value": "x"},
        transaction_id="0-1-7",
    )  # fmt: skip
    old_marker = ChangeEvent(
        "ficus_reverse_log", Op.READ, None, _marker("x", 9, 1, "h").after, transaction_id=None
    )
    plan = plan_echoes([value, old_marker], {40: 12})
    assert plan.add == []
    assert plan.drop == {("customer", 12): "0-1-7"}


def test_a_change_without_a_transaction_drops_all() -> None:
    plan = plan_echoes([_marker("0-1-5", 9, 1, "h1"), _customer(None, 9, Op.READ)], {})
    assert plan.add == []
    assert plan.drop == {("customer", 9): None}


def test_parked_and_dead_outbox_rows_expect_nothing() -> None:
    parked = _marker("0-1-5", 9, 1, "")
    assert parked.after is not None
    dead = ChangeEvent(
        "ficus_reverse_log", Op.CREATE, None, {**parked.after, "state_hash": "h", "status": "dead"},
        transaction_id="0-1-6",
    )  # fmt: skip
    assert plan_echoes([parked, dead], {}).add == []


def test_the_projector_drops_a_state_an_expectation_names_and_emits_any_other() -> None:
    state = CustomerState(
        entity_id=1, website_id=1, email="a@example.com", created_at="2024-01-01 00:00:00",
        updated_at="2024-01-01 00:00:00",
    )  # fmt: skip
    digest = state_hash(state)
    states = {1: state, 2: state, 3: state}
    previous = {1: (4, "old"), 2: (4, digest), 3: (4, "old")}
    expected = {1: [(7, "other"), (8, digest), (6, digest)], 2: [(9, digest)], 3: [(5, "x")]}
    found = list(Projector._changes([1, 2, 3], states, previous, expected))  # type: ignore[arg-type]
    assert found[0] == Echo(1, digest, 8, recorded=False)
    assert found[1] == Echo(2, digest, 9, recorded=True)
    assert found[2] == Change(3, 5, digest, state_text(state))
