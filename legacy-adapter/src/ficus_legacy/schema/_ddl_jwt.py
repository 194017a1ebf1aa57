"""Magento 2.4.8 `JwtUserToken/etc/db_schema.xml`: revoked JWT user tokens."""

from __future__ import annotations

JWT: tuple[tuple[str, str], ...] = (
    (
        "jwt_auth_revoked",
        """
  user_type_id int unsigned NOT NULL,
  user_id int unsigned NOT NULL,
  revoke_before bigint unsigned NOT NULL,
  PRIMARY KEY (user_type_id, user_id)""",
    ),
)
