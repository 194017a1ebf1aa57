"""Connecting to a Magento database: one pymysql connection (utf8mb4, autocommit off)."""

from __future__ import annotations

import pymysql

from ficus_legacy.core.mysqlurl import MysqlTarget
from ficus_legacy.types import Connection


def connect(target: MysqlTarget | str) -> Connection:
    """A pymysql connection from a `MysqlTarget` or `mysql://user:pw@host:port/db`."""
    t = MysqlTarget.from_url(target) if isinstance(target, str) else target
    return pymysql.connect(
        host=t.host,
        port=t.port,
        user=t.user,
        password=t.password,
        database=t.database or None,
        charset="utf8mb4",
        autocommit=False,
    )
