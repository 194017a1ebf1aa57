"""API tokens in the control database, stored as sha256 hashes only; every create and revoke
is written to the audit log in the same transaction."""

from __future__ import annotations

from ficus_control.adapters import pg_audit
from ficus_control.adapters.pg import Conn, connect
from ficus_control.cutover.core.audit import Action, admin_entry
from ficus_control.tokens import Principal, Role, hash_token, new_token


class PostgresTokenStore:
    """Tokens by name and role. A change made here (the `ficus token` commands and `ficus up`
    run straight on the database) is audited as `db:<the database role>` unless `actor` says
    who it was authenticated as; `note` is free text about the caller."""

    def __init__(self, db_url: str, timeout: float = 3.0) -> None:
        self.db_url = db_url
        self.timeout = timeout

    def create(self, name: str, role: Role, actor: str | None = None, note: str = "") -> str:
        """A new token; its plain text is returned once and never stored."""
        token = new_token()
        with connect(self.db_url, self.timeout) as conn:
            conn.execute(
                "INSERT INTO api_token (name, role, token_sha256) VALUES (%s, %s, %s)",
                (name, role.value, hash_token(token)),
            )
            measured = {"name": name, "role": role.value}
            entry = admin_entry(_actor(conn, actor), Action.TOKEN_CREATE, "", measured, note)
            pg_audit.append(conn, entry)
        return token

    def principal(self, token: str) -> Principal | None:
        """Who holds a valid (known, unrevoked) token, else None."""
        with connect(self.db_url, self.timeout) as conn:
            row = conn.execute(
                "SELECT name, role FROM api_token WHERE token_sha256 = %s AND revoked_at IS NULL",
                (hash_token(token),),
            ).fetchone()
        return Principal(row[0], Role(row[1])) if row else None

    def revoke(self, name: str, actor: str | None = None, note: str = "") -> int:
        """Revoke every live token called `name`; returns how many (audited even when 0)."""
        with connect(self.db_url, self.timeout) as conn:
            cur = conn.execute(
                "UPDATE api_token SET revoked_at = now() WHERE name = %s AND revoked_at IS NULL",
                (name,),
            )
            measured = {"name": name, "revoked": cur.rowcount}
            entry = admin_entry(_actor(conn, actor), Action.TOKEN_REVOKE, "", measured, note)
            pg_audit.append(conn, entry)
            return cur.rowcount


def _actor(conn: Conn, given: str | None) -> str:
    if given is not None:
        return given
    row = conn.execute("SELECT session_user").fetchone()
    return f"db:{row[0] if row else 'unknown'}"
