"""The legacy EAV library's metadata, loaded once per app on first use."""

from __future__ import annotations

import threading

from ficus_legacy.eav import Eav
from ficus_standin.db import Connection


class EavCache:
    def __init__(self) -> None:
        self._eav: Eav | None = None
        self._lock = threading.Lock()

    def get(self, conn: Connection, store_id: int | None = None) -> Eav:
        """The metadata; reloaded when `store_id` is a store view it does not know yet."""
        with self._lock:
            stale = (
                store_id is not None and self._eav is not None and not _knows(self._eav, store_id)
            )
            if self._eav is None or stale:
                self._eav = Eav.load(conn)
            return self._eav

    def reset(self) -> None:
        """Forget the metadata (after stores or attributes changed)."""
        with self._lock:
            self._eav = None


def _knows(eav: Eav, store_id: int) -> bool:
    return any(view.store_id == store_id for view in eav.stores.views)
