"""Store views as the customer service knows them: from sync's store events (`StoreState`),
seeded with Magento's admin and default store views until the first event arrives. A request's
store code decides the website of a sign-up or a login and the `created_in` of a new customer.
"""

from __future__ import annotations

from dataclasses import dataclass

from ficus_contracts.events import StoreState
from ficus_customer.errors import NoSuchEntity
from ficus_customer.repository import Conn

ADMIN_CODE = "all"
STORE_NOT_FOUND = "The store that was requested wasn't found. Verify the store and try again."
_SEED = ((0, "admin", 0, "Admin", False), (1, "default", 1, "Default Store View", True))


@dataclass(frozen=True)
class StoreView:
    store_id: int
    code: str
    website_id: int
    name: str


def seed(conn: Conn) -> None:
    """Magento's admin and default views, while no store event has been applied."""
    conn.execute(
        "INSERT INTO customer_store (store_id, code, website_id, name, is_default)"
        " SELECT * FROM unnest(%s::int[], %s::text[], %s::int[], %s::text[], %s::bool[])"
        " WHERE NOT EXISTS (SELECT 1 FROM customer_store) ON CONFLICT DO NOTHING",
        [list(column) for column in zip(*_SEED, strict=True)],
    )


def resolve(conn: Conn, code: str | None) -> StoreView:
    """The store view of `/rest/{code}/V1/…` (`all`: admin; none: the default view)."""
    params: tuple[str, ...] = ()
    if code is None:
        where = "is_default"
    elif code == ADMIN_CODE:
        where = "store_id = 0"
    else:
        where, params = "code = %s", (code,)
    row = conn.execute(
        f"SELECT store_id, code, website_id, name FROM customer_store WHERE {where}"
        " ORDER BY store_id LIMIT 1",
        params,
    ).fetchone()
    if row is None:
        raise NoSuchEntity(STORE_NOT_FOUND)
    return StoreView(**row)


def name_of(conn: Conn, store_id: int) -> str | None:
    row = conn.execute(
        "SELECT name FROM customer_store WHERE store_id = %s", (store_id,)
    ).fetchone()
    return None if row is None else str(row["name"])


def apply_store(conn: Conn, store_id: int, version: int, state: StoreState | None) -> bool:
    """Replace the view (None: delete it) unless an equal or newer version is applied; the
    first event replaces the seeded views. True when applied."""
    row = conn.execute(
        "SELECT version FROM customer_store WHERE store_id = %s", (store_id,)
    ).fetchone()
    if row is not None and row["version"] is not None and row["version"] >= version:
        return False
    conn.execute("DELETE FROM customer_store WHERE version IS NULL")
    conn.execute("DELETE FROM customer_store WHERE store_id = %s", (store_id,))
    if state is not None:
        conn.execute("DELETE FROM customer_store WHERE code = %s", (state.code,))
        conn.execute(
            "INSERT INTO customer_store (store_id, code, website_id, name, is_default, version)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (state.store_id, state.code, state.website_id, state.name, state.is_default, version),
        )
    return True
