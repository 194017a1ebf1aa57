"""One batch of event rows → one transaction of the service's database, holding every effect,
the dead letters and the new checkpoint, so a crash neither loses nor repeats an effect.

Order of side effects: lock the checkpoint row → dead-letter the invalid events → apply the
rest (fast: the whole batch in one savepoint; on a poison failure, again event by event, each
in its own savepoint, to isolate the culprit) → move the checkpoint → commit.
"""

from __future__ import annotations

import logging
from typing import Any, Generic, TypeVar

from ficus_feed.core import DeadLetterPolicy, Handled, IsolatePoison, Outcome, triage
from ficus_feed.pg.ledger import Ledger
from ficus_feed.ports import Service, Transactions

log = logging.getLogger(__name__)
Tx = TypeVar("Tx")
P = TypeVar("P")


class BatchApplier(Generic[Tx, P]):
    """Applies a batch of source rows in one service transaction, with the checkpoint.

    The checkpoint row is locked first, so two replicas sharing a consumer name never apply
    the same batch: the second waits, then finds the checkpoint moved (`CheckpointMoved`).
    """

    def __init__(
        self,
        transactions: Transactions[Tx],
        ledger: Ledger,
        service: Service[Tx, P],
        policy: DeadLetterPolicy | None = None,
    ) -> None:
        self.transactions = transactions
        self.ledger = ledger
        self.service = service
        self.policy: DeadLetterPolicy = policy or IsolatePoison()

    def checkpoint(self) -> int:
        with self.transactions.begin() as tx:
            return self.ledger.checkpoint(self.transactions.connection(tx))

    def apply_batch(self, rows: list[dict[str, Any]], after_seq: int) -> list[Handled]:
        with self.transactions.begin() as tx:
            self.ledger.lock(self.transactions.connection(tx), after_seq)
            outcomes = self._apply_all(tx, rows)
            self.ledger.save(self.transactions.connection(tx), int(rows[-1]["seq"]))
        return [
            Handled(int(row["seq"]), str(row.get("aggregate")), outcome, row.get("source_ts_ms"))
            for row, outcome in zip(rows, outcomes, strict=True)
        ]

    def _apply_all(self, tx: Tx, rows: list[dict[str, Any]]) -> list[Outcome]:
        sorted_rows = triage(rows, self.service.aggregates, self.service.prepare)
        for index, exc in sorted_rows.invalid:
            self.dead_letter(tx, rows[index], exc)
        ready = sorted_rows.ready
        try:
            with self.transactions.savepoint(tx):
                applied = self.service.apply(tx, [p for _, p in ready])
        except Exception as exc:
            if not self.policy.is_poison(exc):
                raise
            applied = [self._apply_alone(tx, rows[i], p) for i, p in ready]
        outcomes = sorted_rows.outcomes
        outcomes.update({i: outcome for (i, _), outcome in zip(ready, applied, strict=True)})
        return [outcomes[i] for i in range(len(rows))]

    def _apply_alone(self, tx: Tx, row: dict[str, Any], prepared: P) -> Outcome:
        try:
            return self.apply_one(tx, prepared)
        except Exception as exc:
            if not self.policy.is_poison(exc):
                raise
            self.dead_letter(tx, row, exc)
            return Outcome.DEAD_LETTER

    def apply_one(self, tx: Tx, prepared: P) -> Outcome:
        """Apply one prepared event in a savepoint of its own."""
        with self.transactions.savepoint(tx):
            return self.service.apply(tx, [prepared])[0]

    def dead_letter(self, tx: Tx, row: dict[str, Any], exc: Exception) -> None:
        log.warning("dead letter seq=%s: %s", row.get("seq"), exc)
        error = f"{type(exc).__name__}: {exc}"
        self.ledger.dead_letter(self.transactions.connection(tx), row, error)
