"""The customer database through psycopg (dict rows): customers with their versions, the
tombstones of deleted ones, reverse sync's outbox and the Magento id pool. Every function runs
in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from ficus_contracts.customers import CustomerState
from ficus_contracts.reverse import outbox_channel
from ficus_customer.core.merge import Write

Conn = psycopg.Connection[dict[str, Any]]
DOMAIN = "customer"
CUSTOMER_TABLE = "customer_entity"
ADDRESS_TABLE = "customer_address_entity"


def connect(url: str) -> Conn:
    return psycopg.connect(url, row_factory=dict_row, connect_timeout=5)


@dataclass(frozen=True)
class Clocks:
    """The last forward event's version, the service's own version, and the HLC of the last
    change of a customer."""

    forward_version: int
    version: int
    hlc: int


@dataclass(frozen=True)
class Stored:
    """A customer row: its state, the service's view of Magento's state, and its clocks."""

    state: CustomerState
    magento_view: dict[str, Any] | None
    clocks: Clocks


def load(conn: Conn, entity_id: int, *, for_update: bool = False) -> Stored | None:
    lock = " FOR UPDATE" if for_update else ""
    row = conn.execute(
        "SELECT state, magento_view, forward_version, version, hlc FROM customer"
        f" WHERE entity_id = %s{lock}",
        (entity_id,),
    ).fetchone()
    if row is None:
        return None
    state = CustomerState.model_validate(row["state"])
    clocks = Clocks(row["forward_version"], row["version"], row["hlc"])
    return Stored(state, row["magento_view"], clocks)


def load_states(conn: Conn, entity_ids: list[int]) -> list[CustomerState]:
    rows = conn.execute(
        "SELECT state FROM customer WHERE entity_id = ANY(%s) ORDER BY entity_id", (entity_ids,)
    ).fetchall()
    return [CustomerState.model_validate(r["state"]) for r in rows]


def save(conn: Conn, state: CustomerState, view: dict[str, Any] | None, clocks: Clocks) -> None:
    """Insert or replace the customer (`clocks` gives the versions and HLC to store)."""
    conn.execute(
        "INSERT INTO customer (entity_id, website_id, email, state, magento_view,"
        " forward_version, version, hlc, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s,"
        " now()) ON CONFLICT (entity_id) DO UPDATE SET website_id = EXCLUDED.website_id,"
        " email = EXCLUDED.email, state = EXCLUDED.state, magento_view = EXCLUDED.magento_view,"
        " forward_version = EXCLUDED.forward_version, version = EXCLUDED.version,"
        " hlc = EXCLUDED.hlc, updated_at = now()",
        (
            state.entity_id, state.website_id, state.email, Jsonb(state.model_dump(mode="json")),
            None if view is None else Jsonb(view), clocks.forward_version, clocks.version,
            clocks.hlc,
        ),
    )  # fmt: skip
    conn.execute("DELETE FROM customer_tombstone WHERE entity_id = %s", (state.entity_id,))


def remove(conn: Conn, entity_id: int, forward_version: int, hlc: int) -> None:
    """Delete the customer; the tombstone keeps the version so older events stay stale, and
    the HLC so the customer's next stamp (if it comes back) is later still."""
    conn.execute("DELETE FROM customer WHERE entity_id = %s", (entity_id,))
    conn.execute(
        "INSERT INTO customer_tombstone (entity_id, forward_version, hlc) VALUES (%s, %s, %s)"
        " ON CONFLICT (entity_id) DO UPDATE SET forward_version = GREATEST("
        "customer_tombstone.forward_version, EXCLUDED.forward_version), hlc = GREATEST("
        "customer_tombstone.hlc, EXCLUDED.hlc), deleted_at = now()",
        (entity_id, forward_version, hlc),
    )


def tombstone(conn: Conn, entity_id: int) -> Clocks:
    """A customer that is not stored: the forward version and HLC its tombstone keeps (0, 0
    for one never deleted), locked until the transaction ends so two processes bringing it
    back stamp one after the other."""
    row = conn.execute(
        "SELECT forward_version, hlc FROM customer_tombstone WHERE entity_id = %s FOR UPDATE",
        (entity_id,),
    ).fetchone()
    if row is None:
        return Clocks(0, 0, 0)
    return Clocks(int(row["forward_version"]), 0, int(row["hlc"]))


def pending_writes(conn: Conn, entity_id: int, watermark: int | None) -> list[Write]:
    """The customer's upserts a forward event with `watermark` (the newest outbox id Magento's
    state in it has taken into account; None: none) has not seen, acked or not, oldest first."""
    rows = conn.execute(
        "SELECT base, payload FROM outbox WHERE aggregate = %s AND entity_id = %s AND id > %s"
        " AND payload IS NOT NULL ORDER BY id",
        (DOMAIN, entity_id, watermark or 0),
    ).fetchall()
    return [Write(r["base"], r["payload"]) for r in rows]


def has_pending_deletion(conn: Conn, entity_id: int, watermark: int | None) -> bool:
    """The service deleted the customer after the newest write the event has seen."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE aggregate = %s AND entity_id = %s"
        " AND kind = 'deleted' AND id > %s) AS pending",
        (DOMAIN, entity_id, watermark or 0),
    ).fetchone()
    return bool(row and row["pending"])


def append_outbox(
    conn: Conn,
    entity_id: int,
    payload: CustomerState | None,
    base: dict[str, Any] | None,
    clocks: Clocks,
    revoke_before: int | None = None,
) -> int:
    """One outbox row (kind `upserted`, or `deleted` without payload) and the NOTIFY that
    wakes the reverse worker when the transaction commits. `revoke_before` (a password change
    or reset): Magento revokes the customer's tokens issued at or before it, with this row.

    The caller holds the customer's row lock (`load(..., for_update=True)`; a new customer's
    id is its own), so a customer's outbox ids increase in commit order: the id is taken here,
    after the lock, and a concurrent write of the same customer waits for this commit. The
    forward watermark (`pending_writes`) relies on it."""
    kind = "deleted" if payload is None else "upserted"
    body = None if payload is None else Jsonb(payload.model_dump(mode="json"))
    row = conn.execute(
        "INSERT INTO outbox (aggregate, entity_id, kind, payload, base, hlc, service_version,"
        " revoke_before) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (DOMAIN, entity_id, kind, body, None if base is None else Jsonb(base), clocks.hlc,
         clocks.version, revoke_before),
    ).fetchone()  # fmt: skip
    conn.execute(f"NOTIFY {outbox_channel(DOMAIN)}")
    assert row is not None
    return int(row["id"])


def take_id(conn: Conn, table: str) -> int | None:
    """A Magento id of `table` from the pool, for good (None when the pool is empty); a
    concurrent taker skips the row this transaction holds."""
    row = conn.execute(
        "DELETE FROM magento_id_pool WHERE (entity_table, entity_id) = (SELECT entity_table,"
        " entity_id FROM magento_id_pool WHERE entity_table = %s ORDER BY entity_id"
        " FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING entity_id",
        (table,),
    ).fetchone()
    return None if row is None else int(row["entity_id"])


def max_hlc(conn: Conn) -> int:
    row = conn.execute(
        "SELECT GREATEST((SELECT max(hlc) FROM outbox), (SELECT max(hlc) FROM customer),"
        " (SELECT max(hlc) FROM customer_tombstone)) AS hlc"
    ).fetchone()
    return int(row["hlc"]) if row and row["hlc"] is not None else 0


def email_owner(conn: Conn, email: str, website_id: int | None) -> int | None:
    """The customer holding `email` in the website (case-insensitive, as Magento's
    collation compares), if any."""
    row = conn.execute(
        "SELECT entity_id FROM customer WHERE lower(email) = lower(%s)"
        " AND website_id IS NOT DISTINCT FROM %s",
        (email, website_id),
    ).fetchone()
    return None if row is None else int(row["entity_id"])


def find_by_email(conn: Conn, email: str, website_id: int) -> int | None:
    """The customer that logs in with `email` in the website (website 0: any website)."""
    row = conn.execute(
        "SELECT entity_id FROM customer WHERE lower(email) = lower(%s)"
        " AND (website_id = %s OR %s = 0) ORDER BY entity_id LIMIT 1",
        (email, website_id, website_id),
    ).fetchone()
    return None if row is None else int(row["entity_id"])


def address_owner(conn: Conn, address_id: int) -> int | None:
    row = conn.execute(
        "SELECT entity_id FROM customer WHERE state->'addresses' @> %s LIMIT 1",
        (Jsonb([{"entity_id": address_id}]),),
    ).fetchone()
    return None if row is None else int(row["entity_id"])


def revoke_tokens(conn: Conn, customer_id: int, before: int) -> None:
    """Customer tokens issued at or before `before` (Unix time) are refused from now on."""
    conn.execute(
        "INSERT INTO token_revocation (customer_id, revoked_before) VALUES (%s, %s)"
        " ON CONFLICT (customer_id) DO UPDATE SET revoked_before = EXCLUDED.revoked_before",
        (customer_id, before),
    )


def revoked_before(conn: Conn, user_type_id: int, user_id: int) -> int | None:
    """The latest revocation of the user's tokens: Magento's (`jwt_auth_revoked`, from events)
    or, for a customer, the service's own (a password changed here)."""
    row = conn.execute(
        "SELECT GREATEST((SELECT revoke_before FROM magento_revocation WHERE user_type_id = %s"
        " AND user_id = %s), (SELECT revoked_before FROM token_revocation WHERE customer_id = %s"
        " AND %s = 3)) AS before",
        (user_type_id, user_id, user_id, user_type_id),
    ).fetchone()
    return None if row is None or row["before"] is None else int(row["before"])


def apply_revocation(
    conn: Conn, user_type_id: int, user_id: int, version: int, revoke_before: int | None
) -> bool:
    """Magento's revocation of the user's tokens (None: lifted) unless an equal or newer version
    is applied; True when applied."""
    row = conn.execute(
        "INSERT INTO magento_revocation (user_type_id, user_id, revoke_before, version)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT (user_type_id, user_id) DO UPDATE SET"
        " revoke_before = EXCLUDED.revoke_before, version = EXCLUDED.version"
        " WHERE magento_revocation.version < EXCLUDED.version RETURNING version",
        (user_type_id, user_id, revoke_before, version),
    ).fetchone()
    return row is not None
