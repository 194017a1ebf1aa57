"""Dead letters: list them, and replay them after a fix.

A replayed event goes through the service's own version check: if a newer version was applied
meanwhile, it is stale and simply leaves the dead-letter table. Each letter is replayed in a
transaction of its own, locked `FOR UPDATE` so two operators cannot replay it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from ficus_feed.applier import BatchApplier
from ficus_feed.core import parse_event

Tx = TypeVar("Tx")
P = TypeVar("P")


@dataclass(frozen=True)
class ReplayResult:
    id: int
    seq: int
    outcome: str  # an Outcome value, "failed" or "gone"
    error: str | None = None


class DeadLetters(Generic[Tx, P]):
    """The dead letters of the consumer `applier` writes them for."""

    def __init__(self, applier: BatchApplier[Tx, P]) -> None:
        self._applier = applier
        self._tx = applier.transactions
        self._ledger = applier.ledger

    def letters(self, limit: int = 100) -> list[dict[str, Any]]:
        """The dead letters without their event, oldest first (JSON-ready)."""
        with self._tx.begin() as tx:
            letters = self._ledger.letters(self._tx.connection(tx), limit)
        return [
            {k: v.isoformat() if isinstance(v, datetime) else v for k, v in letter.items()}
            for letter in (_without_event(letter) for letter in letters)
        ]

    def replay(self, ids: list[int] | None = None) -> list[ReplayResult]:
        """Re-apply dead letters (all, or `ids`), each in its own transaction."""
        with self._tx.begin() as tx:
            todo = self._ledger.letter_ids(self._tx.connection(tx), ids)
        return [self._replay_one(letter_id) for letter_id in todo]

    def _replay_one(self, letter_id: int) -> ReplayResult:
        with self._tx.begin() as tx:
            conn = self._tx.connection(tx)
            letter = self._ledger.take_letter(conn, letter_id)
            if letter is None:
                return ReplayResult(letter_id, -1, "gone")
            seq = int(letter["seq"])
            try:
                prepared = self._applier.service.prepare(parse_event(dict(letter["event"])))
                outcome = self._applier.apply_one(tx, prepared)
            except Exception as exc:
                if not self._applier.policy.is_poison(exc):
                    raise
                error = f"{type(exc).__name__}: {exc}"
                self._ledger.still_failing(self._tx.connection(tx), letter_id, error)
                return ReplayResult(letter_id, seq, "failed", error)
            self._ledger.resolved(self._tx.connection(tx), letter_id)
            return ReplayResult(letter_id, seq, str(outcome))


def _without_event(letter: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in letter.items() if k != "event"}
