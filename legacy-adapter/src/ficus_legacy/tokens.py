"""Magento 2.4 JWT user tokens (`Magento/JwtUserToken`): HS256, one hour by default.

Claims as Magento writes them: `uid` (admin user id or customer id), `utypid` (user type:
2 = admin, 3 = customer, `Magento/Authorization/Model/UserContextInterface`), `iat`, `exp`.
The HS256 key is derived from env.php's `crypt/key` (`signing_key`, `SecretBasedJwksFactory`).
A token issued at or before its user's `jwt_auth_revoked.revoke_before` is refused
(`RevokedValidator`): the caller supplies that lookup.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

import jwt

__all__ = [
    "DEFAULT_TTL_SECONDS",
    "REVOKED",
    "RevokedBefore",
    "TokenClaims",
    "TokenError",
    "UserType",
    "issue",
    "revoked",
    "signing_key",
    "verify",
]

DEFAULT_TTL_SECONDS = 3600
REVOKED = "User token has been revoked"
_ALGORITHM = "HS256"
_KEY_LENGTH = 2048


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


RevokedBefore = Callable[[UserType, int], int | None]
"""`(user_type, user_id) -> revoke_before` (a Unix time), None when the user has no row."""


def signing_key(crypt_key: str) -> str:
    """Magento's HS256 key: the last key of `crypt/key`, `&`-padded on both sides to 2048.

    PHP's `str_pad(..., STR_PAD_BOTH)` puts the smaller half of an odd padding on the left, and
    counts bytes (the key's UTF-8 length), not characters.
    """
    keys = crypt_key.split()
    if not keys:
        raise ValueError("crypt/key is empty")
    key = keys[-1]
    padding = max(_KEY_LENGTH - len(key.encode()), 0)
    left = padding // 2
    return "&" * left + key + "&" * (padding - left)


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
    secret: str,
    token: str,
    expected: UserType | None = None,
    *,
    now: float | None = None,
    revoked_before: RevokedBefore | None = None,
) -> TokenClaims:
    """The claims of a valid, unrevoked token; raises `TokenError` otherwise."""
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
    if revoked_before is not None and revoked(
        parsed, revoked_before(parsed.user_type, parsed.user_id)
    ):
        raise TokenError(REVOKED)
    return parsed


def revoked(claims: TokenClaims, revoke_before: int | None) -> bool:
    """`RevokedValidator`: a token issued at or before its user's `revoke_before` is refused."""
    return revoke_before is not None and claims.issued_at <= revoke_before
