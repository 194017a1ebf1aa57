"""`ficus_reverse_log`, the Ficus-owned table reverse sync keeps in Magento's database (its
checkpoint and no-echo marker; DDL and meaning in `ficus_contracts.reverse`)."""

from __future__ import annotations

from ficus_contracts.reverse import REVERSE_LOG_DDL
from ficus_legacy.types import Connection

__all__ = ["ensure_reverse_log"]


def ensure_reverse_log(conn: Connection) -> None:
    """Create ficus_reverse_log if missing (DDL: commits the connection's transaction)."""
    with conn.cursor() as cur:
        cur.execute(REVERSE_LOG_DDL)
    conn.commit()
