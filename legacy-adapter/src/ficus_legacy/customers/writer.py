"""Write a `CustomerState` into Magento's rows, inside the caller's transaction.

`write` makes customer_entity, its EAV value rows, its addresses (with their EAV rows),
default_billing/default_shipping and the customer_grid_flat row equal the state, so that
`read` in the same transaction returns exactly it. Ids are explicit: a customer or address
born in a service carries the Magento entity_id reserved for it (`reserve_ids`). Nothing here
commits; a refusal (duplicate email, id in use) raises a `CustomerWriteError` and leaves the
transaction for the caller to roll back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pymysql

from ficus_contracts.customers import AddressState, CustomerState
from ficus_legacy.core.customers import ADDRESS_COLUMNS, CUSTOMER_COLUMNS
from ficus_legacy.core.sql import placeholders
from ficus_legacy.customers import grid
from ficus_legacy.customers.attributes import ADDRESS_TYPE, CUSTOMER_TYPE, CustomerAttributes
from ficus_legacy.customers.errors import CustomerWriteError, DuplicateEmail, EntityIdTaken
from ficus_legacy.metadata import BACKEND_TYPES
from ficus_legacy.types import Connection

__all__ = ["delete", "write"]

_DUPLICATE_KEY = 1062


def write(
    conn: Connection,
    state: CustomerState,
    previous: CustomerState | None,
    *,
    attributes: CustomerAttributes | None = None,
    locked: bool = False,
    refresh_grid: bool = True,
) -> None:
    """Make Magento's rows of `state.entity_id` equal `state`.

    `previous` is Magento's current state of that customer (None: not in Magento, insert);
    unchanged parts (EAV values, addresses) are not rewritten. `locked`: `previous` was read
    FOR UPDATE in this transaction, so its row is certainly there (no check after the
    UPDATE). `refresh_grid=False` leaves the grid row to the caller (one `grid.refresh` for
    a batch of customers).
    """
    attrs = attributes or CustomerAttributes.load(conn)
    try:
        if not _write_entity(conn, state, previous is not None, locked):
            previous = None  # the row was gone: nothing of `previous` is in Magento
        if previous is None or previous.attributes != state.attributes:
            _write_values(conn, "customer_entity", CUSTOMER_TYPE, state.entity_id,
                          state.attributes, attrs)  # fmt: skip
        _write_addresses(conn, state, previous, attrs, locked)
    except pymysql.IntegrityError as exc:
        refusal = _refusal(exc, state)
        if refusal is None:
            raise
        raise refusal from exc
    if refresh_grid:
        grid.refresh(conn, [state.entity_id])


def delete(conn: Connection, entity_id: int, *, refresh_grid: bool = True) -> None:
    """Delete the customer (its addresses and EAV rows cascade) and its grid row (unless
    `refresh_grid=False`: the caller refreshes the grid of a batch once)."""
    with conn.cursor() as cur:
        cur.execute("DELETE FROM customer_entity WHERE entity_id = %s", (entity_id,))
    if refresh_grid:
        grid.refresh(conn, [entity_id])


def _params(model: CustomerState | AddressState, columns: Mapping[str, str]) -> dict[str, Any]:
    return {
        name: int(value) if isinstance(value, bool) else value
        for name in columns
        for value in (getattr(model, name),)
    }


def _write_entity(conn: Connection, state: CustomerState, exists: bool, locked: bool) -> bool:
    """Update (when `exists`) or insert customer_entity; True when the row was there (certain
    when `locked`)."""
    row = _params(state, CUSTOMER_COLUMNS)
    with conn.cursor() as cur:
        if exists:
            sets = ", ".join(f"{name} = %s" for name in row if name != "entity_id")
            values = [v for name, v in row.items() if name != "entity_id"]
            cur.execute(f"UPDATE customer_entity SET {sets} WHERE entity_id = %s",
                        [*values, state.entity_id])  # fmt: skip
            if locked:
                return True
            cur.execute("SELECT 1 FROM customer_entity WHERE entity_id = %s", (state.entity_id,))
            if cur.fetchone():
                return True
        cur.execute(f"INSERT INTO customer_entity ({', '.join(row)})"
                    f" VALUES ({placeholders(list(row))})", list(row.values()))  # fmt: skip
    return False


def _write_addresses(
    conn: Connection,
    state: CustomerState,
    previous: CustomerState | None,
    attrs: CustomerAttributes,
    locked: bool,
) -> None:
    """Delete the addresses the state no longer has, upsert the changed ones. When `previous`
    was read FOR UPDATE its addresses are all there are: those gone are deleted by primary key
    (no statement when none is), which locks exactly them, not a range of parent_id."""
    before = {a.entity_id: a for a in previous.addresses} if previous else {}
    keep = [a.entity_id for a in state.addresses]
    if locked and previous is not None:
        _delete_by_id(conn, sorted(before.keys() - set(keep)))
    else:
        _delete_addresses(conn, state.entity_id, keep)
    for address in state.addresses:
        old = before.get(address.entity_id)
        if old == address:
            continue
        _upsert_address(conn, state.entity_id, address)
        if old is None or old.attributes != address.attributes:
            _write_values(conn, "customer_address_entity", ADDRESS_TYPE, address.entity_id,
                          address.attributes, attrs)  # fmt: skip


def _delete_addresses(conn: Connection, parent_id: int, keep: list[int]) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "DELETE FROM customer_address_entity WHERE parent_id = %s"
            + (f" AND entity_id NOT IN ({placeholders(keep)})" if keep else ""),
            [parent_id, *keep],
        )


def _delete_by_id(conn: Connection, address_ids: list[int]) -> None:
    if address_ids:
        with conn.cursor() as cur:
            cur.execute(
                f"DELETE FROM customer_address_entity WHERE entity_id IN"
                f" ({placeholders(address_ids)})",
                address_ids,
            )


def _upsert_address(conn: Connection, parent_id: int, address: AddressState) -> None:
    row = {**_params(address, ADDRESS_COLUMNS), "parent_id": parent_id}
    updates = ", ".join(f"{name} = VALUES({name})" for name in row if name != "entity_id")
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO customer_address_entity ({', '.join(row)})"
            f" VALUES ({placeholders(list(row))}) ON DUPLICATE KEY UPDATE {updates}",
            list(row.values()),
        )


def _write_values(
    conn: Connection,
    table: str,
    entity_type_id: int,
    entity_id: int,
    values: Mapping[str, str | None],
    attrs: CustomerAttributes,
) -> None:
    """Per backend table: delete the value rows of codes gone, upsert the others."""
    by_backend: dict[str, list[tuple[int, str | None]]] = {b: [] for b in BACKEND_TYPES}
    for code, value in values.items():
        attribute_id, backend = attrs.lookup(entity_type_id, code)
        by_backend[backend].append((attribute_id, value))
    with conn.cursor() as cur:
        for backend, rows in by_backend.items():
            keep = [attribute_id for attribute_id, _ in rows]
            cur.execute(
                f"DELETE FROM {table}_{backend} WHERE entity_id = %s"
                + (f" AND attribute_id NOT IN ({placeholders(keep)})" if keep else ""),
                [entity_id, *keep],
            )
            if rows:
                cur.executemany(
                    f"INSERT INTO {table}_{backend} (attribute_id, entity_id, value)"
                    " VALUES (%s, %s, %s) ON DUPLICATE KEY UPDATE value = VALUES(value)",
                    [(attribute_id, entity_id, value) for attribute_id, value in rows],
                )


def _refusal(exc: pymysql.IntegrityError, state: CustomerState) -> CustomerWriteError | None:
    code, message = (*exc.args, "", "")[:2]
    if code == _DUPLICATE_KEY and "EMAIL_WEBSITE_ID" in str(message):
        return DuplicateEmail(state.email, state.website_id)
    if code == _DUPLICATE_KEY and "PRIMARY" in str(message):
        return EntityIdTaken("customer_entity", state.entity_id)
    return None
