"""Customer saves (`PUT /V1/customers/{id}`, `PUT /V1/customers/me`) and the email check."""

from __future__ import annotations

from typing import Any

from ficus_legacy.customers import grid
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.errors import InputError, NoSuchEntity
from ficus_standin.repositories.customers import DUPLICATE_EMAIL

_UPDATABLE = (
    "email", "prefix", "firstname", "middlename", "lastname", "suffix", "dob", "taxvat",
    "gender", "group_id", "disable_auto_group_change",
)  # fmt: skip


def update(conn: Connection, customer_id: int, data: dict[str, Any]) -> None:
    """Save the given profile fields; `updated_at` moves as Magento's save moves it."""
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT website_id FROM customer_entity WHERE entity_id = %s FOR UPDATE", (customer_id,)
        )
        row = cur.fetchone()
        if row is None:
            raise NoSuchEntity.field("customerId", customer_id)
        changes = {k: data[k] for k in _UPDATABLE if k in data}
        for key in ("email", "firstname", "lastname"):
            if key in changes and not changes[key]:
                raise InputError.required(key)
        if "email" in changes:
            cur.execute(
                "SELECT 1 FROM customer_entity WHERE email = %s AND website_id <=> %s"
                " AND entity_id <> %s",
                (changes["email"], row["website_id"], customer_id),
            )
            if cur.fetchone():
                raise InputError(DUPLICATE_EMAIL)
        sets = "".join(f"`{k}` = %s, " for k in changes)
        cur.execute(
            f"UPDATE customer_entity SET {sets}updated_at = NOW() WHERE entity_id = %s",
            [*changes.values(), customer_id],
        )
    grid.refresh(conn, [customer_id])  # the customer_grid indexer, in the same transaction


def email_available(conn: Connection, email: str, website_id: int) -> bool:
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT 1 FROM customer_entity WHERE email = %s AND website_id = %s",
            (email, website_id),
        )
        return cur.fetchone() is None
