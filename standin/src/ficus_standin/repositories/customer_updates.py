"""Customer saves (`PUT /V1/customers/{id}`, `PUT /V1/customers/me`) and the email check.

Magento's `CustomerRepository::save` replaces the customer with the posted one: a profile field
left out is emptied, while the group, store, website and auto-group flag keep their values. The
email is required, then first and last names. Without `addresses` the addresses and defaults
stay; with them the address set is replaced (`customer_addresses.replace`).
"""

from __future__ import annotations

from typing import Any

from ficus_legacy.core.accounts import DUPLICATE_EMAIL, require_email, require_names
from ficus_legacy.core.webapi_errors import InputError, NoSuchEntity
from ficus_legacy.customers import grid
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.repositories import customer_addresses
from ficus_standin.repositories.customers import email_free

_REPLACED = ("prefix", "firstname", "middlename", "lastname", "suffix", "dob", "taxvat", "gender")
_KEPT = ("group_id", "store_id", "website_id", "disable_auto_group_change")


def update(conn: Connection, customer_id: int, data: dict[str, Any]) -> None:
    """Save the posted customer over the stored one; `updated_at` moves as Magento's save."""
    current = _current(conn, customer_id)
    email = require_email(data)
    website_id = data.get("website_id", current["website_id"])
    if not email_free(conn, email, website_id, but=customer_id):
        raise InputError(DUPLICATE_EMAIL)
    require_names(data)
    changes: dict[str, Any] = {k: data.get(k) for k in _REPLACED}
    changes.update({k: data[k] if data.get(k) is not None else current[k] for k in _KEPT})
    changes["email"] = email
    if email != current["email"]:  # a new email drops a pending password reset
        changes.update(rp_token=None, rp_token_created_at=None)
    addresses = data.get("addresses")
    if addresses is not None:
        changes.update({flag: data.get(flag) for flag in ("default_billing", "default_shipping")})
    sets = "".join(f"`{k}` = %s, " for k in changes)
    with conn.cursor() as cur:
        cur.execute(
            f"UPDATE customer_entity SET {sets}updated_at = NOW() WHERE entity_id = %s",
            [*changes.values(), customer_id],
        )
    if addresses is not None:
        if not isinstance(addresses, list):
            raise InputError.invalid("addresses", addresses)
        customer_addresses.replace(conn, customer_id, addresses)
    grid.refresh(conn, [customer_id])  # the customer_grid indexer, in the same transaction


def _current(conn: Connection, customer_id: int) -> dict[str, Any]:
    with dict_cursor(conn) as cur:
        cur.execute(
            "SELECT email, group_id, store_id, website_id, disable_auto_group_change"
            " FROM customer_entity WHERE entity_id = %s FOR UPDATE",
            (customer_id,),
        )
        row: dict[str, Any] | None = cur.fetchone()
    if row is None:
        raise NoSuchEntity.field("customerId", customer_id)
    return row


def email_available(conn: Connection, email: str, website_id: int) -> bool:
    """`isEmailAvailable`: no customer of the website has this email."""
    return email_free(conn, email, website_id)
