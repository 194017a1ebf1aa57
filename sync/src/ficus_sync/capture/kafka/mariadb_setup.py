"""MariaDB side of the Kafka path: the `debezium` account with exactly the grants the connector
needs, the signal table, and the incremental-snapshot trigger.

Grants (checked against the real connector on MariaDB 10.11, see docs/kafka-debezium.md):
- `SELECT` on the captured database only (snapshot reads; `SHOW CREATE TABLE`);
- `RELOAD` (FLUSH TABLES WITH READ LOCK of the `minimal` snapshot lock);
- `SHOW DATABASES`;
- `REPLICATION SLAVE` (read the binlog) and `BINLOG MONITOR` (MariaDB's name, since 10.5, of
  REPLICATION CLIENT: SHOW MASTER STATUS / SHOW BINARY LOGS / gtid_binlog_pos);
- `INSERT` on the signal table (incremental snapshots write their open/close watermarks there).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence

import pymysql

from ficus_sync.errors import SnapshotError

_IDENT = re.compile(r"^[A-Za-z0-9_]+$")

SIGNAL_DDL = (
    "CREATE TABLE IF NOT EXISTS `{db}`.`{table}` ("
    " id VARCHAR(64) NOT NULL PRIMARY KEY,"
    " type VARCHAR(32) NOT NULL,"
    " data VARCHAR(2048) NULL"
    ") ENGINE=InnoDB"
)


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


def debezium_grants(database: str, signal_table: str) -> list[str]:
    """The GRANT statements (without the grantee) the connector needs."""
    db, table = _ident(database), _ident(signal_table)
    return [
        "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.*",
        f"GRANT SELECT ON `{db}`.*",
        f"GRANT INSERT ON `{db}`.`{table}`",
    ]


def setup_debezium(
    conn: pymysql.connections.Connection[pymysql.cursors.Cursor],
    database: str,
    user: str,
    password: str,
    signal_table: str = "debezium_signal",
) -> None:
    """Create (or re-align) the connector's account and the signal table. Idempotent."""
    account = f"'{_ident(user)}'@'%'"
    with conn.cursor() as cur:
        cur.execute(SIGNAL_DDL.format(db=_ident(database), table=_ident(signal_table)))
        bound = account.replace("%", "%%")  # these two statements take parameters
        cur.execute(f"CREATE USER IF NOT EXISTS {bound} IDENTIFIED BY %s", (password,))
        cur.execute(f"ALTER USER {bound} IDENTIFIED BY %s", (password,))
        cur.execute(f"REVOKE ALL PRIVILEGES, GRANT OPTION FROM {account}")
        for grant in debezium_grants(database, signal_table):
            cur.execute(f"{grant} TO {account}")
    conn.commit()


def trigger_incremental_snapshot(
    conn: pymysql.connections.Connection[pymysql.cursors.Cursor],
    database: str,
    tables: Sequence[str],
    signal_table: str = "debezium_signal",
    where: str | None = None,
) -> str:
    """Ask the running connector to re-read `tables` (an incremental snapshot), by inserting an
    `execute-snapshot` signal row; the connector sees it in the binlog. Returns the signal id."""
    if not tables:
        raise SnapshotError("no table to snapshot")
    db, table = _ident(database), _ident(signal_table)
    collections = [f"{db}.{_ident(t)}" for t in tables]
    data: dict[str, object] = {"data-collections": collections, "type": "incremental"}
    if where:
        data["additional-conditions"] = [
            {"data-collection": c, "filter": where} for c in collections
        ]
    signal_id = f"ficus-{uuid.uuid4().hex}"
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO `{db}`.`{table}` (id, type, data) VALUES (%s, %s, %s)",
            (signal_id, "execute-snapshot", json.dumps(data)),
        )
    conn.commit()
    return signal_id
