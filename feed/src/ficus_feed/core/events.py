"""A `domain_event` row → a validated `DomainEvent`, and what applying it came to."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ficus_contracts.events import PAYLOAD_TYPES, DomainEvent, EventKind
from ficus_feed.errors import InvalidEvent

AGGREGATES = frozenset(PAYLOAD_TYPES)


class Outcome(enum.StrEnum):
    APPLIED = "applied"
    DELETED = "deleted"
    STALE = "stale"  # an equal or older version than the one applied
    IGNORED = "ignored"  # an aggregate the service does not hold
    DEAD_LETTER = "dead_letter"


@dataclass(frozen=True)
class Handled:
    """One event row after its batch committed, as the metrics see it."""

    seq: int
    aggregate: str
    outcome: Outcome
    source_ts_ms: int | None


def parse_event(row: dict[str, Any]) -> DomainEvent:
    """A `domain_event` row (columns as a dict) → a validated `DomainEvent`."""
    fields = {k: row[k] for k in DomainEvent.model_fields if k in row}
    try:
        event = DomainEvent.model_validate(fields)
    except ValidationError as exc:
        raise InvalidEvent(f"invalid event: {exc}") from exc
    _check_payload(event)
    return event


def _check_payload(event: DomainEvent) -> None:
    expected = PAYLOAD_TYPES[event.aggregate]
    if event.kind is EventKind.UPSERTED and not isinstance(event.payload, expected):
        raise InvalidEvent(f"{event.aggregate} upsert needs a {expected.__name__} payload")
    if event.payload is not None and event.payload.entity_id != event.entity_id:
        raise InvalidEvent("payload entity_id differs from the event's entity_id")
