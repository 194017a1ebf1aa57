"""Server-side dashboard sessions (pure): the browser holds only a random session id.

The bearer token a person pasted at login stays in the server's memory, never in a cookie or
a URL; every session carries its own CSRF token, which every POST must echo back. Logging in
replaces the session (a new id) so an id seen before login is worthless after it.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Session:
    id: str
    csrf: str
    token: str | None = None
    created: float = field(default_factory=time.monotonic)


class Sessions:
    """In-process sessions with a lifetime; a restart of control signs everybody out."""

    def __init__(self, ttl_seconds: float = 8 * 3600, limit: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self.limit = limit
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def anonymous(self) -> Session:
        return self._store(Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32)))

    def login(self, previous: Session | None, token: str) -> Session:
        if previous is not None:
            self.drop(previous.id)
        return self._store(Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), token))

    def get(self, session_id: str | None) -> Session | None:
        with self._lock:
            session = self._by_id.get(session_id or "")
            if session is not None and self._expired(session, time.monotonic()):
                del self._by_id[session.id]
                return None
            return session

    def drop(self, session_id: str) -> None:
        with self._lock:
            self._by_id.pop(session_id, None)

    def _store(self, session: Session) -> Session:
        with self._lock:
            now = time.monotonic()
            for old in [s for s in self._by_id.values() if self._expired(s, now)]:
                del self._by_id[old.id]
            if len(self._by_id) >= self.limit:  # the oldest go first
                for old in sorted(self._by_id.values(), key=lambda s: s.created)[:100]:
                    del self._by_id[old.id]
            self._by_id[session.id] = session
            return session

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.created > self.ttl


def csrf_ok(session: Session, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(session.csrf.encode(), given.encode())
