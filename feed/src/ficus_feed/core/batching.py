"""Batching decisions: which rows of a batch the service applies, which it ignores, which are
invalid before they reach the database; and the lag figures."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ficus_contracts.events import DomainEvent
from ficus_feed.core.events import Outcome, parse_event
from ficus_feed.errors import InvalidEvent

P = TypeVar("P")


@dataclass
class Triage(Generic[P]):
    """A batch sorted by row index: decided outcomes, prepared events, invalid rows."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    ready: list[tuple[int, P]] = field(default_factory=list)
    invalid: list[tuple[int, InvalidEvent]] = field(default_factory=list)


def triage(
    rows: Sequence[dict[str, Any]],
    aggregates: Collection[str],
    prepare: Callable[[DomainEvent], P],
) -> Triage[P]:
    """Ignore aggregates the service does not hold; parse and prepare the rest."""
    result: Triage[P] = Triage()
    for index, row in enumerate(rows):
        if row.get("aggregate") not in aggregates:
            result.outcomes[index] = Outcome.IGNORED
            continue
        try:
            result.ready.append((index, prepare(parse_event(row))))
        except InvalidEvent as exc:
            result.invalid.append((index, exc))
            result.outcomes[index] = Outcome.DEAD_LETTER
    return result


def newest_ts_ms(events: Sequence[DomainEvent]) -> int | None:
    """The newest Magento commit time among `events` (None when none carries one)."""
    return max((e.source_ts_ms or 0 for e in events), default=0) or None


def lag_seconds(oldest_ts_ms: int | None, now: float) -> float:
    """Seconds since the Magento commit of the oldest pending event (0 when caught up)."""
    return 0.0 if oldest_ts_ms is None else max(0.0, now - oldest_ts_ms / 1000)
