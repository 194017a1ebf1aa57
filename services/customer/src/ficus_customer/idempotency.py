"""`Idempotency-Key` on POSTs: the same key with the same body within the retention window
answers the first answer again, never a second effect.

The key is claimed by an INSERT in the write's own transaction: a concurrent request with the
same key waits on the key's unique index until the first commits (then reads its answer) or
rolls back (then claims the key itself). A failed first attempt leaves no key behind, so a retry
does the work again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Json

from ficus_customer.errors import InputError
from ficus_customer.repository import Conn

REUSED = "The Idempotency-Key was used with another request."


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\0".join([method.encode(), path.encode(), body])).hexdigest()


def claim(conn: Conn, key: str, digest: str, hours: int) -> Answer | None:
    """None when this transaction now holds the key (do the work, then `record`); else the
    first answer. A key reused with another request is a 400."""
    conn.execute(
        "DELETE FROM idempotency_key WHERE key = %s AND created_at < now() - make_interval("
        "hours => %s)",
        (key, hours),
    )
    claimed = conn.execute(
        "INSERT INTO idempotency_key (key, request_hash) VALUES (%s, %s)"
        " ON CONFLICT (key) DO NOTHING RETURNING key",
        (key, digest),
    ).fetchone()
    if claimed is not None:
        return None
    row = conn.execute(
        "SELECT request_hash, status, body FROM idempotency_key WHERE key = %s", (key,)
    ).fetchone()
    if row is None or row["request_hash"] != digest or row["status"] is None:
        raise InputError(REUSED)
    return Answer(int(row["status"]), row["body"])


def record(conn: Conn, key: str, answer: Answer) -> None:
    conn.execute(
        "UPDATE idempotency_key SET status = %s, body = %s WHERE key = %s",
        (answer.status, Json(answer.body), key),
    )
