"""API tokens in the control database, stored as sha256 hashes only."""

from __future__ import annotations

from ficus_control.adapters.pg import connect
from ficus_control.tokens import Principal, Role, hash_token, new_token


class PostgresTokenStore:
    def __init__(self, db_url: str, timeout: float = 3.0) -> None:
        self.db_url = db_url
        self.timeout = timeout

    def create(self, name: str, role: Role) -> str:
        """A new token; its plain text is returned once and never stored."""
        token = new_token()
        with connect(self.db_url, self.timeout) as conn:
            conn.execute(
                "INSERT INTO api_token (name, role, token_sha256) VALUES (%s, %s, %s)",
                (name, role.value, hash_token(token)),
            )
        return token

    def principal(self, token: str) -> Principal | None:
        """Who holds a valid (known, unrevoked) token, else None."""
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(
                "SELECT name, role FROM api_token WHERE token_sha256 = %s AND revoked_at IS NULL",
                (hash_token(token),),
            ).fetchone()
        return Principal(row[0], Role(row[1])) if row else None

    def revoke(self, name: str) -> int:
        """Revoke every live token called `name`; returns how many."""
        with connect(self.db_url, self.timeout) as conn:
            cur = conn.execute(
                "UPDATE api_token SET revoked_at = now() WHERE name = %s AND revoked_at IS NULL",
                (name,),
            )
            return cur.rowcount
