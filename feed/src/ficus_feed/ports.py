"""The feed's ports: where events come from, how a service's transaction is opened, and what
a service gives the feed (its aggregates and its effect)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

import psycopg

from ficus_contracts.events import DomainEvent
from ficus_feed.core import Handled, Outcome

Tx = TypeVar("Tx")
P = TypeVar("P")
Tx_contra = TypeVar("Tx_contra", contravariant=True)


class EventSource(Protocol):
    """The transport: domain-event rows (dicts of the `domain_event` columns) in `seq` order.

    Today's transport is sync's Postgres table (`ficus_feed.pg.source`); a Kafka reader plugs
    in here by mapping topic offsets to `seq`. Errors leave as `SourceUnavailable`.
    """

    def fetch_after(self, seq: int, limit: int) -> list[dict[str, Any]]: ...

    def head(self) -> int:
        """The highest `seq` available (0 when there is none)."""
        ...

    def oldest_after(self, seq: int) -> int | None:
        """`source_ts_ms` of the first event after `seq` (the oldest one not yet applied)."""
        ...

    def wait(self, timeout: float) -> bool:
        """Block until new events are announced or `timeout` passes; True if announced."""
        ...

    def close(self) -> None: ...


class Transactions(Protocol[Tx]):
    """The service's database transaction (`Tx`: a session or a connection): the feed writes
    its checkpoint and dead letters through `connection(tx)`, in the service's transaction."""

    def begin(self) -> AbstractContextManager[Tx]:
        """One transaction, committed when the block ends, rolled back on an exception."""
        ...

    def savepoint(self, tx: Tx) -> AbstractContextManager[object]: ...

    def connection(self, tx: Tx) -> psycopg.Connection[Any]: ...


class Service(Protocol[Tx_contra, P]):
    """What a service gives the feed: the aggregates it holds, and its effect.

    `prepare` validates and maps an event (raising `InvalidEvent`), `apply` writes a batch
    of prepared events in the caller's transaction and returns one outcome per event.
    """

    @property
    def aggregates(self) -> Collection[str]: ...

    def prepare(self, event: DomainEvent) -> P: ...

    def apply(self, tx: Tx_contra, batch: Sequence[P]) -> list[Outcome]: ...


class Applier(Protocol):
    """Applies a batch of rows with the checkpoint (`ficus_feed.applier.BatchApplier`)."""

    def checkpoint(self) -> int: ...

    def apply_batch(self, rows: list[dict[str, Any]], after_seq: int) -> list[Handled]: ...
