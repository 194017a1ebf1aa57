"""The dead-letter decision, injected into the applier: which failures are the event's fault
(isolate it, record it with its error, go on) and which are the system's (retry the batch)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from ficus_feed.errors import InvalidEvent

_JSON = (int, float, str, bool, dict, list, type(None))


class DeadLetterPolicy(Protocol):
    """Decides whether `exc`, raised while applying an event, makes it a dead letter."""

    def is_poison(self, exc: BaseException) -> bool: ...


@dataclass(frozen=True)
class IsolatePoison:
    """Events failing with one of `poison` go to the dead-letter table; anything else fails
    the batch, which is retried whole (the database or the network is at fault)."""

    poison: tuple[type[BaseException], ...] = (InvalidEvent,)

    def is_poison(self, exc: BaseException) -> bool:
        return isinstance(exc, self.poison)


@dataclass(frozen=True)
class PoisonUnlessTransient:
    """Every failure is the event's fault except the `transient` ones (a lost connection, an
    unreachable source): those fail the batch, which is retried whole. Sync's forward pipeline
    and snapshot use it: there, any other error is a row or aggregate it cannot apply."""

    transient: tuple[type[BaseException], ...]

    def is_poison(self, exc: BaseException) -> bool:
        return not isinstance(exc, self.transient)


def json_safe(row: dict[str, Any]) -> dict[str, Any]:
    """The row as JSON can hold it: UUIDs and other values become strings."""
    return {
        k: str(v) if isinstance(v, uuid.UUID) or not isinstance(v, _JSON) else v
        for k, v in row.items()
    }
