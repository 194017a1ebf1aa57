"""Magento 2.4 JWT user tokens (`Magento/JwtUserToken`): HS256, one hour by default.

Claims as Magento writes them: `uid` (admin user id or customer id), `utypid` (user type:
2 = admin, 3 = customer, `Magento/Authorization/Model/UserContextInterface`), `iat`, `exp`.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

import jwt

__all__ = ["DEFAULT_TTL_SECONDS", "TokenClaims", "TokenError", "UserType", "issue", "verify"]

DEFAULT_TTL_SECONDS = 3600
_ALGORITHM = "HS256"


class UserType(enum.IntEnum):
    ADMIN = 2
    CUSTOMER = 3


class TokenError(Exception):
    """A token that is malformed, signed with another key, expired or of the wrong user type."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    user_type: UserType
    issued_at: int
    expires_at: int


def issue(
    secret: str,
    user_id: int,
    user_type: UserType,
    *,
    now: float | None = None,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
) -> str:
    """A signed token for `user_id`, valid `ttl_seconds` from `now`."""
    issued = int(time.time() if now is None else now)
    claims = {"uid": user_id, "utypid": int(user_type), "iat": issued, "exp": issued + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=_ALGORITHM, headers={"kid": "1"})


def verify(
    secret: str, token: str, expected: UserType | None = None, *, now: float | None = None
) -> TokenClaims:
    """The claims of a valid token; raises `TokenError` otherwise."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            options={"verify_exp": False, "require": ["uid", "utypid", "iat", "exp"]},
        )
        parsed = TokenClaims(
            int(claims["uid"]),
            UserType(int(claims["utypid"])),
            int(claims["iat"]),
            int(claims["exp"]),
        )
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise TokenError(str(exc)) from exc
    current = time.time() if now is None else now
    if current >= parsed.expires_at:
        raise TokenError("token expired")
    if expected is not None and parsed.user_type is not expected:
        raise TokenError("token of another user type")
    return parsed
