"""Password reset, activation and the account checks of Magento's `AccountManagement` on
`customer_entity` (the rules themselves: `ficus_legacy.core.recovery`). No mail is sent."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from ficus_legacy.core import recovery
from ficus_legacy.core.passwords import hash_password
from ficus_legacy.core.webapi_errors import NoSuchEntity
from ficus_legacy.customers import grid
from ficus_legacy.tokens import UserType
from ficus_standin import revocations
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.repositories.customer_auth import check_not_email, check_strength

_COLUMNS = "entity_id, email, rp_token, rp_token_created_at, confirmation"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _row(conn: Connection, where: str, args: tuple[Any, ...]) -> dict[str, Any] | None:
    with dict_cursor(conn) as cur:
        cur.execute(f"SELECT {_COLUMNS} FROM customer_entity WHERE {where} FOR UPDATE", args)
        row: dict[str, Any] | None = cur.fetchone()
    return row


def by_id(conn: Connection, customer_id: int) -> dict[str, Any]:
    """`retrieveSecureData`: the customer's secure columns; Magento's 404 when unknown."""
    row = _row(conn, "entity_id = %s", (customer_id,))
    if row is None:
        raise NoSuchEntity.field("customerId", customer_id)
    return row


def by_email(conn: Connection, email: str, website_id: int) -> dict[str, Any]:
    """`CustomerRepository::get(email, websiteId)`."""
    row = _row(conn, "email = %s AND website_id = %s", (email, website_id))
    if row is None:
        raise recovery.no_such_email(email, website_id)
    return row


def _save(conn: Connection, customer_id: int, changes: dict[str, Any]) -> None:
    sets = ", ".join(f"`{column}` = %s" for column in changes)
    with conn.cursor() as cur:
        cur.execute(
            f"UPDATE customer_entity SET {sets}, updated_at = %s WHERE entity_id = %s",
            [*changes.values(), _now(), customer_id],
        )
    grid.refresh(conn, [customer_id])


def initiate_reset(conn: Connection, email: str, website_id: int, template: object) -> None:
    """`initiatePasswordReset`: a new reset token (the mail is not sent)."""
    row = by_email(conn, email, website_id)
    recovery.check_template(template)
    changes = {"rp_token": recovery.new_token(), "rp_token_created_at": _now()}
    _save(conn, int(row["entity_id"]), changes)


def check_token(row: dict[str, Any], token: object) -> None:
    """`validateResetPasswordToken` of the customer's row."""
    recovery.check_reset_token(row["rp_token"], row["rp_token_created_at"], token, _now())


def reset_password(conn: Connection, email: str, website_id: int, token: object, new: str) -> None:
    """`resetPassword`: the new password; the token is used up, older tokens are revoked."""
    row = by_email(conn, email, website_id)
    check_token(row, token)
    check_not_email(new, email)
    check_strength(new)
    changes = {"rp_token": None, "rp_token_created_at": None, "password_hash": hash_password(new)}
    _save(conn, int(row["entity_id"]), changes)
    revocations.revoke(conn, UserType.CUSTOMER, int(row["entity_id"]), int(time.time()))


def activate(conn: Connection, row: dict[str, Any], key: object) -> None:
    """`activateCustomer`: the confirmation key clears `confirmation`."""
    recovery.check_activation(row["confirmation"], key)
    _save(conn, int(row["entity_id"]), {"confirmation": None})
