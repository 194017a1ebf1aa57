"""The catalog's dead letters: list them, and replay them after a fix.

A replayed event goes through the same version check as the stream: if a newer version was
applied meanwhile, it is stale and simply leaves the dead-letter table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ficus_catalog.applying import Outcome, apply_event, parse_event
from ficus_catalog.errors import InvalidEvent
from ficus_catalog.tables import DeadLetter

_STILL_BAD = (InvalidEvent, sa_exc.IntegrityError, sa_exc.DataError)


@dataclass(frozen=True)
class ReplayResult:
    id: int
    seq: int
    outcome: str  # an Outcome value, or "failed"
    error: str | None = None


def list_dead_letters(sessions: sessionmaker[Session], limit: int = 100) -> list[dict[str, Any]]:
    stmt = select(DeadLetter).order_by(DeadLetter.id).limit(limit)
    with sessions() as session:
        return [
            {
                "id": d.id,
                "consumer": d.consumer,
                "seq": d.seq,
                "aggregate": d.aggregate,
                "aggregate_id": d.aggregate_id,
                "version": d.version,
                "error": d.error,
                "created_at": d.created_at.isoformat(),
            }
            for d in session.execute(stmt).scalars()
        ]


def replay(sessions: sessionmaker[Session], ids: list[int] | None = None) -> list[ReplayResult]:
    """Re-apply dead letters (all, or `ids`), each in its own transaction."""
    stmt = select(DeadLetter.id).order_by(DeadLetter.id)
    if ids:
        stmt = stmt.where(DeadLetter.id.in_(ids))
    with sessions() as session:
        todo = list(session.execute(stmt).scalars())
    return [_replay_one(sessions, letter_id) for letter_id in todo]


def _replay_one(sessions: sessionmaker[Session], letter_id: int) -> ReplayResult:
    with sessions.begin() as session:
        letter = session.get(DeadLetter, letter_id, with_for_update=True)
        if letter is None:
            return ReplayResult(letter_id, -1, "gone")
        try:
            with session.begin_nested():
                outcome: Outcome | str = apply_event(session, parse_event(dict(letter.event)))
        except _STILL_BAD as exc:
            letter.error = f"{type(exc).__name__}: {exc}"
            return ReplayResult(letter_id, letter.seq, "failed", letter.error)
        session.delete(letter)
        return ReplayResult(letter_id, letter.seq, str(outcome))
