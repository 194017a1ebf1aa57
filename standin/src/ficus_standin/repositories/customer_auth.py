"""Customer sign-in, lockout and password change as Magento 2.4.8's `AccountManagement` and
`Customer/Model/Authentication` do them.

A failed sign-in counts in `failures_num` from `first_failure`; the 10th failure
(`customer/password/lockout_failures`) locks the account for 10 minutes
(`customer/password/lockout_threshold`, `lock_expires`). A failure after the lock expired starts
counting again. A successful sign-in unlocks (`CustomerLoginSuccessObserver`) and rehashes a
legacy hash (`UpgradeCustomerPasswordObserver`). Failures must be kept even though the request
fails: these functions return the error for the caller to raise once the transaction committed.
"""

from __future__ import annotations

import time
from typing import Any

from ficus_legacy.core import accounts
from ficus_legacy.core.passwords import check_password, hash_password, needs_upgrade
from ficus_legacy.core.webapi_errors import AuthenticationFailed, InputError, WebapiError
from ficus_legacy.customers import grid
from ficus_legacy.tokens import UserType
from ficus_standin import revocations
from ficus_standin.db import Connection, dict_cursor
from ficus_standin.stores import Store

_AUTH_COLUMNS = (
    "entity_id, email, password_hash, is_active, failures_num, first_failure, lock_expires"
)


def check_strength(password: str) -> None:
    """Magento's `checkPasswordStrength` under the defaults, as a 400."""
    try:
        accounts.check_strength(password)
    except accounts.WeakPassword as exc:
        raise InputError(exc.message, exc.parameters) from exc


def check_not_email(password: str, email: object) -> None:
    """`CredentialsValidator::checkPasswordDifferentFromEmail` (case-insensitive)."""
    if isinstance(email, str) and password.lower() == email.lower():
        raise InputError(accounts.SAME_AS_EMAIL)


def sign_in(conn: Connection, store: Store, email: str, password: str) -> int | None:
    """The customer id, or None (unknown, inactive, locked or a wrong password: one answer)."""
    row = _auth_row(
        conn,
        "email = %s AND (website_id = %s OR %s = 0) ORDER BY entity_id LIMIT 1",
        (email, store.website_id, store.website_id),
    )
    if row is None or not row["is_active"] or _lockout(row).locked(row["now"]):
        return None
    if not check_password(password, row["password_hash"]):
        _record_failure(conn, row)
        return None
    changes: dict[str, Any] = {"failures_num": 0, "first_failure": None, "lock_expires": None}
    if needs_upgrade(row["password_hash"]):
        changes["password_hash"] = hash_password(password)
    _save(conn, row, changes)
    return int(row["entity_id"])


def change_password(
    conn: Connection, customer_id: int, current: str, new: str
) -> WebapiError | None:
    """`changePasswordById`: the error to raise after commit, None once changed."""
    row = _auth_row(conn, "entity_id = %s", (customer_id,))
    if row is None:
        return AuthenticationFailed("Invalid login or password.")
    if not check_password(current, row["password_hash"]):
        locked = _record_failure(conn, row)
        return AuthenticationFailed(accounts.LOCKED if locked else accounts.MISMATCH)
    check_not_email(new, row["email"])
    check_strength(new)
    changes = {"password_hash": hash_password(new), "rp_token": None, "rp_token_created_at": None}
    _save(conn, row, changes)
    revocations.revoke(conn, UserType.CUSTOMER, customer_id, int(time.time()))
    return None


def _auth_row(conn: Connection, where: str, args: tuple[Any, ...]) -> dict[str, Any] | None:
    with dict_cursor(conn) as cur:
        cur.execute(
            f"SELECT {_AUTH_COLUMNS}, NOW() AS now FROM customer_entity WHERE {where} FOR UPDATE",
            args,
        )
        row: dict[str, Any] | None = cur.fetchone()
    return row


def _lockout(row: dict[str, Any]) -> accounts.Lockout:
    return accounts.Lockout(
        int(row["failures_num"] or 0), row["first_failure"], row["lock_expires"]
    )


def _record_failure(conn: Connection, row: dict[str, Any]) -> bool:
    """`processAuthenticationFailure`; True when the account is now locked."""
    after = _lockout(row).after_failure(row["now"])
    changes = {
        "failures_num": after.failures_num,
        "first_failure": after.first_failure,
        "lock_expires": after.lock_expires,
    }
    _save(conn, row, changes)
    return after.locked(row["now"])


def _save(conn: Connection, row: dict[str, Any], changes: dict[str, Any]) -> None:
    """Update the row; the grid follows a save or a lock change (`CustomerAuthUpdate::saveAuth`)."""
    sets = ", ".join(f"`{column}` = %s" for column in changes)
    with conn.cursor() as cur:
        cur.execute(
            f"UPDATE customer_entity SET {sets} WHERE entity_id = %s",
            [*changes.values(), row["entity_id"]],
        )
    lock_moved = changes.get("lock_expires", row["lock_expires"]) != row["lock_expires"]
    if lock_moved or "password_hash" in changes:
        grid.refresh(conn, [row["entity_id"]])
