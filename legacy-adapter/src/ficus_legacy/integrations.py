"""Magento 2.4.8 integrations and their opaque access tokens, written and read as Magento does.

- An integration (`integration`, status 1 active) has an OAuth consumer (`oauth_consumer`: a
  32-character key and secret) and, once activated, an access token (`oauth_token`: type
  'access', 32 characters, `user_type` 1, `authorized` 1); its ACL role is its own 'U' row of
  user_type 1 (`ficus_legacy.roles.grant_integration`).
- `Integration\\Model\\Authorization\\TokenUserContext::processRequest`: the bearer token is
  looked up by the `token` column; missing or `revoked` leaves a guest; a token of
  user_type 1 names the integration whose `consumer_id` is the token's, and counts only when
  `BearerTokenValidator::isIntegrationAllowedAsBearerToken` says so, i.e. when
  `oauth/consumer/enable_integration_as_bearer` is set (Integration/etc/config.xml: 0, off
  by default since 2.4.4). The integration's status is not checked there.

The caller owns the transaction.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass

from ficus_legacy import roles
from ficus_legacy.types import Connection

__all__ = [
    "BEARER_PATH",
    "INTEGRATION_TYPE",
    "Issued",
    "bearer_enabled",
    "create",
    "enable_bearer",
    "integration_of",
]

BEARER_PATH = "oauth/consumer/enable_integration_as_bearer"
INTEGRATION_TYPE = 1
_ALPHABET = string.ascii_lowercase + string.digits


def _random() -> str:
    """`Oauth\\Helper\\Data::generateToken` and friends: 32 random [a-z0-9] characters."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(32))


@dataclass(frozen=True)
class Issued:
    integration_id: int
    consumer_id: int
    token: str


def _insert(conn: Connection, sql: str, args: tuple[object, ...]) -> int:
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return int(cur.lastrowid)


def create(conn: Connection, name: str, resources: Sequence[str]) -> Issued:
    """An active integration allowed `resources`, its consumer and its access token."""
    consumer = _insert(
        conn,
        "INSERT INTO oauth_consumer (name, `key`, secret, rejected_callback_url)"
        " VALUES (%s, %s, %s, '')",
        (f"Integration {name}", _random(), _random()),
    )
    integration = _insert(
        conn,
        "INSERT INTO integration (name, email, status, consumer_id, setup_type, updated_at)"
        " VALUES (%s, '', 1, %s, 0, NOW())",  # Integration::beforeSave sets updated_at
        (name, consumer),
    )
    roles.grant_integration(conn, integration, resources)
    token = _random()
    _insert(
        conn,
        "INSERT INTO oauth_token (consumer_id, type, token, secret, callback_url, revoked,"
        " authorized, user_type) VALUES (%s, 'access', %s, %s, 'oob', 0, 1, %s)",
        (consumer, token, _random(), INTEGRATION_TYPE),
    )
    return Issued(integration, consumer, token)


def bearer_enabled(conn: Connection) -> bool:
    """`oauth/consumer/enable_integration_as_bearer` at the default scope (off without a row)."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT value FROM core_config_data WHERE scope = 'default' AND scope_id = 0"
            " AND path = %s",
            (BEARER_PATH,),
        )
        row = cur.fetchone()
    return row is not None and str(row[0] or "").strip() not in ("", "0")


def enable_bearer(conn: Connection, enabled: bool = True) -> None:
    """`bin/magento config:set oauth/consumer/enable_integration_as_bearer 1` (or 0)."""
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO core_config_data (scope, scope_id, path, value)"
            " VALUES ('default', 0, %s, %s) ON DUPLICATE KEY UPDATE value = VALUES(value)",
            (BEARER_PATH, "1" if enabled else "0"),
        )


def integration_of(conn: Connection, token: str) -> int | None:
    """The integration a bearer token names, as TokenUserContext resolves it; None: a guest."""
    if not bearer_enabled(conn):
        return None
    with conn.cursor() as cur:
        cur.execute(
            "SELECT i.integration_id FROM oauth_token t JOIN integration i"
            " ON i.consumer_id = t.consumer_id WHERE t.token = %s AND t.revoked = 0"
            " AND t.user_type = %s",
            (token, INTEGRATION_TYPE),
        )
        row = cur.fetchone()
    return None if row is None else int(row[0])
