"""The capture port: what the forward pipeline needs from any capture engine.

A source yields `Transaction`s (complete source transactions of parsed change events) and,
with each, the JSON-able source position reached after it. The pipeline commits that position
in the same Postgres transaction as the effect (`store.save_checkpoint`), and on every
(re)start opens the source again at the last committed position. So a source never needs its
own durable offsets; the Kafka source may additionally commit offsets to Kafka after
`committed()` for visibility.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ficus_sync.envelope import ChangeEvent, TableHints

Position = dict[str, Any]


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
