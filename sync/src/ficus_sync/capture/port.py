"""The capture port: what the forward pipeline needs from any capture engine.

A source yields `Transaction`s (complete source transactions of parsed change events) and,
with each, the JSON-able source position reached after it. The pipeline commits that position
in the same Postgres transaction as the effect (`database.save_checkpoint`), and on every
(re)start opens the source again at the last committed position. So a source never needs its
own durable offsets; the Kafka source may additionally commit offsets to Kafka after
`committed()` for visibility.

An engine also decides how the initial state and a one-table re-read reach sync (`Snapshots`):
the embedded engine copies the tables itself (`ficus_sync.snapshot.Snapshotter`); on Kafka,
Debezium snapshots and its rows arrive as change events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ficus_sync.core.envelope import ChangeEvent, TableHints

Position = dict[str, Any]
LagReader = Callable[[], dict[str, Any]]  # an engine's own lag document (Kafka: consumer lag)
Progress = Callable[[str, int, int], None]  # table, rows copied now, total estimate


def no_progress(_table: str, _rows: int, _total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Transaction:
    """One source transaction (possibly with no captured rows: then only the position moves)."""

    events: list[ChangeEvent]
    position: Position
    source_ts_ms: int | None = None
    received_at: float = 0.0  # time.time() when the source saw its end
    schema_changed: set[str] = field(default_factory=set)  # captured tables altered (DDL)


class CaptureSource(Protocol):
    """A stream of transactions, resumable from a committed position."""

    name: str

    def open(self, position: Position | None, hints: Mapping[str, TableHints]) -> None:
        """Start reading right after `position` (None: from the source's current end)."""

    def poll(self, timeout: float) -> Transaction | None:
        """The next complete transaction, or None if none arrived within `timeout` seconds.
        Raises `SourceUnavailable` when the source connection is lost."""

    def committed(self, position: Position) -> None:
        """Called after the pipeline committed `position` with its effect."""

    def close(self) -> None:
        """Stop reading and release connections (idempotent)."""


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    """Sync copied tables itself: rows, time, the streaming position it starts from."""

    rows: int
    seconds: float
    position: dict[str, Any]
    events: int
    copy_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class SnapshotRequested:
    """The capture engine was asked to re-read tables (their rows arrive as change events)."""

    request_id: str
    tables: tuple[str, ...]


class Snapshots(Protocol):
    """How the initial state and one table's re-read reach the mirror."""

    def needed(self) -> bool:
        """True when streaming must wait for an initial snapshot that sync takes itself."""

    def initial(self, progress: Progress = no_progress) -> SnapshotResult:
        """Take (or resume) the initial snapshot; raises `SnapshotError` if the engine's own."""

    def table(
        self, name: str, progress: Progress = no_progress
    ) -> SnapshotResult | SnapshotRequested:
        """Re-read one captured table while streaming goes on."""
