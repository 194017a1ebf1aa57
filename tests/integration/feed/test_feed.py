"""The feed against real Postgres, with a toy service on plain psycopg connections and a
search-shaped dead-letter table: the checkpoint moves only with the effect, a poison event is
isolated and recorded, and a replay applies what now fits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
import pytest

from ficus_contracts.events import DomainEvent, EventKind, StoreState
from ficus_feed.applier import BatchApplier
from ficus_feed.consumer import Consumer
from ficus_feed.core import AGGREGATES, IsolatePoison, Outcome
from ficus_feed.errors import InvalidEvent
from ficus_feed.metrics import FeedMetrics
from ficus_feed.pg.connections import POISON, Conn, ConnectionTransactions
from ficus_feed.pg.ledger import DeadLetterTable, Ledger
from ficus_feed.pg.source import PostgresEventSource
from ficus_feed.replay import DeadLetters
from tests.events import store_event
from tests.integration.catalog.conftest import EventTable

pytestmark = pytest.mark.integration

_SCHEMA = """
CREATE TABLE toy_checkpoint (consumer text PRIMARY KEY, last_seq bigint NOT NULL,
    updated_at timestamptz DEFAULT now());
CREATE TABLE toy_dead_letter (id bigserial PRIMARY KEY, seq bigint, aggregate text,
    entity_id bigint, version bigint, event jsonb, error text NOT NULL,
    created_at timestamptz DEFAULT now());
CREATE TABLE toy_store (store_id bigint PRIMARY KEY, version bigint NOT NULL, code varchar(8));
"""


class ToyStores:
    """Keeps each store view's code; a code longer than 8 characters is refused by Postgres."""

    crash: Exception | None = None

    @property
    def aggregates(self) -> frozenset[str]:
        return AGGREGATES

    def prepare(self, event: DomainEvent) -> DomainEvent:
        return event

    def apply(self, tx: Conn, batch: Sequence[DomainEvent]) -> list[Outcome]:
        for event in batch:
            code = event.payload.code if isinstance(event.payload, StoreState) else None
            tx.execute(
                "INSERT INTO toy_store VALUES (%s, %s, %s) ON CONFLICT (store_id) DO UPDATE"
                " SET version = EXCLUDED.version, code = EXCLUDED.code",
                (event.entity_id, event.version, code),
            )
        if self.crash is not None:
            raise self.crash
        return [Outcome.APPLIED] * len(batch)


@pytest.fixture
def toy_url(postgres_url: str) -> str:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(_SCHEMA)
    return postgres_url


@pytest.fixture
def events(toy_url: str) -> EventTable:
    return EventTable(toy_url)  # the event table may live anywhere; here beside the effect


@pytest.fixture
def applier(toy_url: str) -> BatchApplier[Conn, DomainEvent]:
    letters = DeadLetterTable("toy_dead_letter", consumer_column=False, key_column="entity_id")
    return BatchApplier(
        ConnectionTransactions(toy_url),
        Ledger("toy", "toy_checkpoint", letters),
        ToyStores(),
        IsolatePoison((InvalidEvent, *POISON)),
    )


@pytest.fixture
def consumer(events: EventTable, applier: BatchApplier[Conn, DomainEvent]) -> Iterator[Consumer]:
    the_consumer = Consumer(PostgresEventSource(events.url), applier, FeedMetrics.standard("toy"))
    yield the_consumer
    the_consumer.stop()


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def counted(consumer: Consumer, outcome: Outcome) -> float:
    labels = {"aggregate": "store", "outcome": outcome.value}
    return consumer.metrics.registry.get_sample_value("ficus_toy_events_total", labels) or 0.0


def test_a_failing_apply_leaves_the_checkpoint_and_the_effect_where_they_were(
    toy_url: str, events: EventTable, consumer: Consumer
) -> None:
    seqs = events.publish(store_event(1, 1, "one"), store_event(2, 1, "two"))
    consumer.applier.service.crash = ConnectionError("the database went away")  # type: ignore[attr-defined]
    with pytest.raises(ConnectionError):  # not poison: the whole batch fails, no dead letter
        consumer.drain()
    assert query(toy_url, "SELECT * FROM toy_checkpoint") == []
    assert query(toy_url, "SELECT * FROM toy_store") == []
    assert query(toy_url, "SELECT * FROM toy_dead_letter") == []

    consumer.applier.service.crash = None  # type: ignore[attr-defined]
    assert consumer.drain() == 2
    assert query(toy_url, "SELECT last_seq FROM toy_checkpoint") == [(seqs[-1],)]
    assert query(toy_url, "SELECT store_id FROM toy_store ORDER BY 1") == [(1,), (2,)]


def test_poison_events_are_isolated_recorded_and_replayed_after_a_fix(
    toy_url: str, events: EventTable, consumer: Consumer, applier: BatchApplier[Conn, DomainEvent]
) -> None:
    invalid = store_event(4, 1, "four").model_dump(mode="json")
    invalid["entity_id"] = 40  # the payload names store 4
    seqs = events.publish(
        store_event(1, 1, "one"), store_event(2, 1, "far_too_long"), invalid, store_event(3, 1, "3")
    )
    consumer.drain()
    assert query(toy_url, "SELECT store_id FROM toy_store ORDER BY 1") == [(1,), (3,)]
    assert query(toy_url, "SELECT last_seq FROM toy_checkpoint") == [(seqs[-1],)]
    letters = DeadLetters(applier).letters()
    recorded = sorted((x["seq"], x["entity_id"], x["error"].split(":")[0]) for x in letters)
    assert recorded == [
        (seqs[1], 2, "StringDataRightTruncation"),
        (seqs[2], 40, "InvalidEvent"),
    ]
    assert counted(consumer, Outcome.APPLIED) == 2
    assert counted(consumer, Outcome.DEAD_LETTER) == 2

    with psycopg.connect(toy_url) as conn:  # the fix: room for longer codes
        conn.execute("ALTER TABLE toy_store ALTER code TYPE text")
    results = DeadLetters(applier).replay()
    assert sorted((r.seq, r.outcome) for r in results) == [
        (seqs[1], "applied"),
        (seqs[2], "failed"),
    ]
    assert query(toy_url, "SELECT code FROM toy_store WHERE store_id = 2") == [("far_too_long",)]
    assert [x["seq"] for x in DeadLetters(applier).letters()] == [seqs[2]]


def test_replay_of_chosen_ids_only(
    toy_url: str, events: EventTable, consumer: Consumer, applier: BatchApplier[Conn, DomainEvent]
) -> None:
    events.publish(store_event(5, 1, "too_long_5"), store_event(6, 1, "too_long_6"))
    consumer.drain()
    first, second = (x["id"] for x in DeadLetters(applier).letters())
    with psycopg.connect(toy_url) as conn:
        conn.execute("ALTER TABLE toy_store ALTER code TYPE text")
    assert [r.id for r in DeadLetters(applier).replay([second])] == [second]
    assert [x["id"] for x in DeadLetters(applier).letters()] == [first]


def test_an_unknown_aggregate_is_ignored_and_passed(
    toy_url: str, events: EventTable, consumer: Consumer
) -> None:
    deleted = DomainEvent(
        aggregate="store", aggregate_id=store_event(7, 1, "x").aggregate_id, entity_id=7,
        version=2, kind=EventKind.DELETED,
    )  # fmt: skip
    with psycopg.connect(events.url) as conn:
        conn.execute(
            "INSERT INTO domain_event (aggregate, aggregate_id, entity_id, version, kind)"
            " VALUES ('order', gen_random_uuid(), 1, 1, 'upserted')"
        )
    events.publish(deleted)
    assert consumer.drain() == 2
    labels = {"aggregate": "order", "outcome": "ignored"}
    assert consumer.metrics.registry.get_sample_value("ficus_toy_events_total", labels) == 1
    assert query(toy_url, "SELECT store_id, code FROM toy_store") == [(7, None)]
