"""`jwt_auth_revoked` (Magento's `JwtUserToken` revocations): tokens issued at or before
`revoke_before` are refused. Logout and a password change write the user's row."""

from __future__ import annotations

from ficus_legacy.tokens import UserType
from ficus_standin.db import Connection


def revoked_before(conn: Connection, user_type: UserType, user_id: int) -> int | None:
    """The user's `revoke_before` (Unix time), None when no token of theirs was revoked."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT revoke_before FROM jwt_auth_revoked WHERE user_type_id = %s AND user_id = %s",
            (int(user_type), user_id),
        )
        row = cur.fetchone()
    return None if row is None else int(row[0])


def revoke(conn: Connection, user_type: UserType, user_id: int, before: int) -> None:
    """Refuse the user's tokens issued at or before `before` (`Revoker::revokeFor`)."""
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO jwt_auth_revoked (user_type_id, user_id, revoke_before)"
            " VALUES (%s, %s, %s) ON DUPLICATE KEY UPDATE revoke_before = VALUES(revoke_before)",
            (int(user_type), user_id, before),
        )
