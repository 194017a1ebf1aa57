"""Customers as Magento's CustomerRepository reads and writes them (static columns)."""

from __future__ import annotations

from typing import Any

from ficus_legacy.core.accounts import DUPLICATE_EMAIL, require_email, require_names
from ficus_legacy.core.customer_json import render_customer
from ficus_legacy.core.passwords import hash_password
from ficus_legacy.core.searchcriteria import SearchCriteria
from ficus_legacy.core.webapi_errors import InputError, NoSuchEntity
from ficus_legacy.customers import grid, read
from ficus_standin import sqlsearch
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.repositories import customer_addresses
from ficus_standin.repositories.customer_auth import check_not_email, check_strength
from ficus_standin.stores import Store

_SEARCHABLE = frozenset(
    [
        "entity_id",
        "website_id",
        "email",
        "group_id",
        "store_id",
        "created_at",
        "updated_at",
        "is_active",
        "created_in",
        "firstname",
        "middlename",
        "lastname",
        "prefix",
        "suffix",
        "dob",
        "taxvat",
        "gender",
        "default_billing",
        "default_shipping",
    ]
)
_ALIASES = {"id": "entity_id"}
_WRITABLE = ("prefix", "firstname", "middlename", "lastname", "suffix", "dob", "taxvat", "gender")


def get(conn: Connection, customer_id: int) -> dict[str, Any]:
    """`getById`: the customer as Magento's JSON (`ficus_legacy.core.customer_json`)."""
    state = read(conn, [customer_id]).get(customer_id)
    if state is None:
        raise NoSuchEntity.field("customerId", customer_id)
    return render_customer(state)


def search(conn: Connection, criteria: SearchCriteria) -> tuple[list[dict[str, Any]], int]:
    plain = sqlsearch.column_resolver("c", _SEARCHABLE)

    def resolve(name: str) -> str | None:
        return plain(_ALIASES.get(name, name))

    where, params = sqlsearch.where_clause(criteria, resolve)
    order = sqlsearch.order_clause(criteria, resolve, "c.entity_id ASC")
    with dict_cursor(conn) as cur:
        cur.execute(f"SELECT COUNT(*) AS n FROM customer_entity c WHERE {where}", params)
        total = int(cur.fetchone()["n"])  # type: ignore[index]
        cur.execute(
            f"SELECT c.entity_id FROM customer_entity c WHERE {where} ORDER BY {order}"
            + sqlsearch.limit_clause(criteria),
            params,
        )
        ids = [int(row["entity_id"]) for row in cur.fetchall()]
    states = read(conn, ids)
    return [render_customer(states[i]) for i in ids], total


def create(conn: Connection, store: Store, data: dict[str, Any], password: str | None) -> int:
    """`createAccount`: the customer and its addresses; returns its id."""
    if password is not None:
        check_strength(password)
        check_not_email(password, data.get("email"))
    email = require_email(data)
    website_id = int(data.get("website_id") or store.website_id or 1)
    if not email_free(conn, email, website_id):
        raise InputError(DUPLICATE_EMAIL)
    require_names(data)
    store_id = int(data.get("store_id") or store.store_id or 1)
    values = {k: data.get(k) for k in _WRITABLE}
    values.update(
        email=email,
        website_id=website_id,
        store_id=store_id,
        group_id=int(data.get("group_id") or 1),
        created_in=_store_name(conn, store_id),
        password_hash=hash_password(password) if password else None,
    )
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO customer_entity ({', '.join(values)})"
            f" VALUES ({', '.join(['%s'] * len(values))})",
            list(values.values()),
        )
        customer_id = int(cur.lastrowid)
    customer_addresses.add(conn, customer_id, data.get("addresses") or [])
    grid.refresh(conn, [customer_id])  # the customer_grid indexer, in the same transaction
    return customer_id


def delete(conn: Connection, customer_id: int) -> None:
    """`deleteById`: the customer, its addresses (cascade) and its grid row."""
    with conn.cursor() as cur:
        cur.execute("DELETE FROM customer_entity WHERE entity_id = %s", (customer_id,))
        if cur.rowcount == 0:
            raise NoSuchEntity.field("customerId", customer_id)
    grid.refresh(conn, [customer_id])


def email_free(conn: Connection, email: str, website_id: int, but: int | None = None) -> bool:
    """No other customer of the website has this email."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM customer_entity WHERE email = %s AND website_id <=> %s"
            " AND NOT entity_id <=> %s",
            (email, website_id, but),
        )
        return cur.fetchone() is None


def _store_name(conn: Connection, store_id: int) -> str | None:
    with conn.cursor() as cur:
        cur.execute("SELECT name FROM store WHERE store_id = %s", (store_id,))
        row = cur.fetchone()
    return None if row is None else str(row[0])
