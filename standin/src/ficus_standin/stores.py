"""Store views by code, as Magento's webapi PathProcessor resolves them."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ficus_legacy.core.webapi_errors import NoSuchEntity
from ficus_standin.db import Connection, dict_cursor

ADMIN_CODE = "all"


@dataclass(frozen=True)
class Store:
    store_id: int
    code: str
    website_id: int
    group_id: int
    name: str

    @property
    def is_admin(self) -> bool:
        return self.store_id == 0


@dataclass(frozen=True)
class StoreDirectory:
    by_code: dict[str, Store]
    default_code: str

    @classmethod
    def load(cls, conn: Connection) -> StoreDirectory:
        with dict_cursor(conn) as cur:
            cur.execute("SELECT store_id, code, website_id, group_id, name FROM store")
            stores = {row["code"]: Store(**row) for row in cur.fetchall()}
            cur.execute(
                "SELECT s.code FROM store_website w"
                " JOIN store_group g ON g.group_id = w.default_group_id"
                " JOIN store s ON s.store_id = g.default_store_id"
                " WHERE w.is_default = 1 LIMIT 1"
            )
            row = cur.fetchone()
        return cls(stores, row["code"] if row else "default")

    def find(self, code: str | None) -> Store | None:
        if code is None:
            return self.by_code.get(self.default_code)
        if code == ADMIN_CODE:
            return next((s for s in self.by_code.values() if s.store_id == 0), None)
        return self.by_code.get(code)

    def website_store_ids(self, website_id: int) -> list[int]:
        return sorted(s.store_id for s in self.by_code.values() if s.website_id == website_id)


class StoreCache:
    """Loads the store directory once; reloads when an unknown code is asked for."""

    def __init__(self) -> None:
        self._directory: StoreDirectory | None = None
        self._lock = threading.Lock()

    def directory(self, conn: Connection) -> StoreDirectory:
        with self._lock:
            if self._directory is None:
                self._directory = StoreDirectory.load(conn)
            return self._directory

    def resolve(self, conn: Connection, code: str | None) -> Store:
        store = self.directory(conn).find(code)
        if store is None:
            with self._lock:
                self._directory = StoreDirectory.load(conn)
            store = self._directory.find(code)
        if store is None:
            raise NoSuchEntity(
                "The store that was requested wasn't found. Verify the store and try again."
            )
        return store
