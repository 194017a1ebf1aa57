"""The feed's pure parts: parsing rows, sorting a batch, the dead-letter decision, lag."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ficus_contracts.events import DomainEvent
from ficus_feed.core import (
    AGGREGATES,
    IsolatePoison,
    Outcome,
    PoisonUnlessTransient,
    json_safe,
    lag_seconds,
    newest_ts_ms,
    parse_event,
    triage,
)
from ficus_feed.errors import InvalidEvent
from tests.events import store_event


def row_of(event: DomainEvent, seq: int = 1) -> dict[str, Any]:
    return {"seq": seq, **event.model_dump(mode="json")}


def test_parse_event_reads_a_domain_event_row() -> None:
    event = store_event(4, 2, "it")
    assert parse_event(row_of(event)) == event


def test_parse_event_rejects_a_payload_for_another_entity() -> None:
    row = row_of(store_event(4, 2, "it"))
    row["entity_id"] = 6
    with pytest.raises(InvalidEvent, match="entity_id"):
        parse_event(row)


def test_parse_event_rejects_an_upsert_without_payload() -> None:
    row = row_of(store_event(4, 2, "it"))
    row["payload"] = None
    with pytest.raises(InvalidEvent, match="needs a StoreState payload"):
        parse_event(row)


def test_parse_event_rejects_a_row_that_is_no_event() -> None:
    with pytest.raises(InvalidEvent, match="invalid event"):
        parse_event({"seq": 1, "aggregate": "store", "version": "x"})


def test_triage_ignores_foreign_aggregates_and_sets_invalid_rows_apart() -> None:
    good, bad = row_of(store_event(4, 2, "it"), 1), row_of(store_event(5, 1, "fr"), 2)
    bad["entity_id"] = 9
    other = {"seq": 3, "aggregate": "order"}
    result = triage([good, bad, other], AGGREGATES, lambda event: event.entity_id)
    assert result.ready == [(0, 4)]
    assert [index for index, _ in result.invalid] == [1]
    assert result.outcomes == {1: Outcome.DEAD_LETTER, 2: Outcome.IGNORED}


def test_triage_sets_apart_what_the_service_cannot_prepare() -> None:
    def refuse(event: DomainEvent) -> int:
        raise InvalidEvent(f"no room for {event.entity_id}")

    result = triage([row_of(store_event(4, 2, "it"))], {"store"}, refuse)
    assert result.ready == [] and str(result.invalid[0][1]) == "no room for 4"


def test_isolate_poison_takes_only_the_poison_types() -> None:
    policy = IsolatePoison((InvalidEvent, ValueError))
    assert policy.is_poison(InvalidEvent("x")) and policy.is_poison(ValueError("x"))
    assert not policy.is_poison(ConnectionError("database away"))
    assert IsolatePoison().is_poison(InvalidEvent("x"))


def test_poison_unless_transient_isolates_everything_but_the_transient_failures() -> None:
    policy = PoisonUnlessTransient((ConnectionError, TimeoutError))
    assert policy.is_poison(ValueError("bad row")) and policy.is_poison(KeyError("column"))
    assert not policy.is_poison(ConnectionResetError("database away"))  # a ConnectionError
    assert not policy.is_poison(TimeoutError())


def test_json_safe_turns_uuids_and_other_values_into_text() -> None:
    key = uuid.uuid4()
    row = {"aggregate_id": key, "seq": 3, "payload": {"a": [1]}, "at": object}
    safe = json_safe(row)
    assert safe["aggregate_id"] == str(key) and safe["seq"] == 3
    assert safe["payload"] == {"a": [1]} and isinstance(safe["at"], str)


def test_lag_is_zero_when_caught_up_and_never_negative() -> None:
    assert lag_seconds(None, 1000.0) == 0.0
    assert lag_seconds(998_500, 1000.0) == 1.5
    assert lag_seconds(2_000_000, 1000.0) == 0.0


def test_newest_ts_ms_of_a_batch() -> None:
    events = [
        store_event(
            4,
            1,
            "a",
        ),
        store_event(5, 1, "b"),
    ]
    assert newest_ts_ms(events) is None
    stamped = [
        e.model_copy(update={"source_ts_ms": ts}) for e, ts in zip(events, (5, 9), strict=True)
    ]
    assert newest_ts_ms(stamped) == 9
