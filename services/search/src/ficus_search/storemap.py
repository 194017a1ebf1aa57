"""The API's store code → store id map: the `search_store` table (sync's store events), or
the `stores` setting while that table is empty (no store event yet).

Cached in-process. The cache is reloaded after the service's consumer applied a store event
(`expire`), when it is older than `max_age` seconds (another process applied it), and at once
when a code is unknown (at most every `miss_interval` seconds).
A failed reload keeps the last good map (the setting's before the first success).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

import psycopg

from ficus_search import repository

log = logging.getLogger(__name__)

Directory = tuple[dict[str, int], int | None]
"""Store code → store id, and the default store view's id (None: unknown)."""
Loader = Callable[[], Directory | None]
"""Returns the table's directory, or None while no store event was applied; raises on
failure."""
SEED_DEFAULT = "default"  # the seed's code for requests that name no store


class StoreMap:
    def __init__(
        self,
        load: Loader,
        seed: Mapping[str, int],
        *,
        max_age: float = 1.0,
        miss_interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._seed: Directory = (dict(seed), seed.get(SEED_DEFAULT))
        self._max_age = max_age
        self._miss_interval = miss_interval
        self._clock = clock
        self._directory = self._seed
        self._loaded_at: float | None = None
        self._lock = threading.Lock()

    def expire(self) -> None:
        """Reload before the next lookup (a store event was applied)."""
        with self._lock:
            self._loaded_at = None

    def codes(self) -> dict[str, int]:
        """The current map (reloaded first when it is too old)."""
        return self._current()[0]

    def default(self) -> int | None:
        """Magento's default store view (the seed's `default` code before store events)."""
        return self._current()[1]

    def _current(self) -> Directory:
        with self._lock:
            if self._loaded_at is None or self._clock() - self._loaded_at >= self._max_age:
                self._reload()
            return self._directory

    def resolve(self, code: str) -> int | None:
        """The store id of `code` (or of a known store id given as digits); None if unknown."""
        found = _lookup(self.codes(), code)
        if found is not None:
            return found
        with self._lock:
            if self._loaded_at is None or self._clock() - self._loaded_at >= self._miss_interval:
                self._reload()
            return _lookup(self._directory[0], code)

    def _reload(self) -> None:
        try:
            loaded = self._load()
        except Exception as exc:  # noqa: BLE001 - keep serving the last good map
            log.warning("store map not reloaded: %s", exc)
        else:
            self._directory = self._seed if loaded is None else loaded
        self._loaded_at = self._clock()


def _lookup(codes: Mapping[str, int], code: str) -> int | None:
    if code in codes:
        return codes[code]
    if code.isascii() and code.isdigit() and len(code) <= 10 and int(code) in codes.values():
        return int(code)
    return None


class TableLoader:
    """`Loader` over one autocommit connection to the search database, reopened after a
    failure. Callers serialize calls (StoreMap holds its lock)."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._conn: repository.Conn | None = None

    def __call__(self) -> Directory | None:
        try:
            if self._conn is None or self._conn.closed:
                self._conn = repository.connect(self._url)
                self._conn.autocommit = True
            return repository.store_codes(self._conn)
        except psycopg.Error:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
