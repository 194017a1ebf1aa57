"""MariaDB adapter: connections from a URL, table shapes, binlog coordinates.

Driver errors are translated here once: connection failures become `SourceUnavailable`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeAlias

import pymysql
import pymysql.cursors

from ficus_legacy.core.mysqlurl import MysqlTarget
from ficus_sync.core.shape import Column, ForeignKey, TableShape
from ficus_sync.errors import SourceUnavailable

Connection: TypeAlias = "pymysql.connections.Connection[Any]"


@dataclass(frozen=True, slots=True)
class MysqlParams:
    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def from_url(cls, url: str) -> MysqlParams:
        t = MysqlTarget.from_url(url)
        return cls(t.host, t.port, t.user, t.password, t.database or "magento")

    def replication_settings(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "user": self.user, "passwd": self.password}


def connect(params: MysqlParams, *, dict_rows: bool = False, timeout: float = 5) -> Connection:
    try:
        return pymysql.connect(
            host=params.host,
            port=params.port,
            user=params.user,
            password=params.password,
            database=params.database,
            charset="utf8mb4",
            autocommit=True,
            connect_timeout=int(timeout),
            cursorclass=pymysql.cursors.DictCursor if dict_rows else pymysql.cursors.Cursor,
        )
    except pymysql.err.OperationalError as exc:
        raise SourceUnavailable(f"MariaDB at {params.host}:{params.port}: {exc}") from exc


@contextmanager
def connection(params: MysqlParams, *, dict_rows: bool = False) -> Iterator[Connection]:
    conn = connect(params, dict_rows=dict_rows)
    try:
        yield conn
    finally:
        conn.close()


_COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE,
       DATETIME_PRECISION, COLUMN_KEY
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME IN %s
ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
_PRIMARY = """
SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = %s AND TABLE_NAME IN %s AND CONSTRAINT_NAME = 'PRIMARY'
ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
_FOREIGN = """
SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME,
       k.REFERENCED_COLUMN_NAME, r.DELETE_RULE
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
 AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = %s AND k.TABLE_NAME IN %s AND k.REFERENCED_TABLE_NAME IN %s
  AND r.DELETE_RULE IN ('CASCADE', 'SET NULL')
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
"""


def read_shapes(conn: Connection, database: str, tables: Iterable[str]) -> dict[str, TableShape]:
    """Shapes of the given tables that exist (missing ones are left out)."""
    names = tuple(tables)
    columns: dict[str, list[Column]] = {}
    keys: dict[str, list[str]] = {}
    with conn.cursor() as cur:
        cur.execute(_COLUMNS, (database, names))
        for table, name, dtype, ctype, precision, scale, fsp, _key in cur.fetchall():
            columns.setdefault(table, []).append(Column(name, dtype, ctype, precision, scale, fsp))
        cur.execute(_PRIMARY, (database, names))
        for table, name in cur.fetchall():
            keys.setdefault(table, []).append(name)
    return {
        table: TableShape(table, tuple(cols), tuple(keys.get(table, [cols[0].name])))
        for table, cols in columns.items()
    }


def read_foreign_keys(conn: Connection, database: str, tables: Iterable[str]) -> list[ForeignKey]:
    """Cascading foreign keys between captured tables: InnoDB does not binlog cascaded rows,
    so the mirror replays them itself."""
    names = tuple(tables)
    grouped: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
    with conn.cursor() as cur:
        cur.execute(_FOREIGN, (database, names, names))
        for table, constraint, column, parent, parent_column, rule in cur.fetchall():
            grouped.setdefault((table, constraint), []).append(
                (column, parent, parent_column, rule)
            )
    return [
        ForeignKey(
            child=table,
            columns=tuple(p[0] for p in parts),
            parent=parts[0][1],
            parent_columns=tuple(p[2] for p in parts),
            rule=parts[0][3],
        )
        for (table, _), parts in grouped.items()
    ]


@dataclass(frozen=True, slots=True)
class BinlogCoordinates:
    file: str
    pos: int
    gtid: str


def master_coordinates(conn: Connection) -> BinlogCoordinates:
    with conn.cursor() as cur:
        cur.execute("SHOW MASTER STATUS")
        row = cur.fetchone()
        cur.execute("SELECT @@gtid_binlog_pos")
        gtid = cur.fetchone()
    if row is None:
        raise SourceUnavailable("MariaDB has no binary log (log_bin is OFF)")
    return BinlogCoordinates(str(row[0]), int(row[1]), str(gtid[0]) if gtid else "")


def binary_logs(conn: Connection) -> list[str]:
    with conn.cursor() as cur:
        cur.execute("SHOW BINARY LOGS")
        return [str(row[0]) for row in cur.fetchall()]


def gtid_at(conn: Connection, file: str, pos: int) -> str:
    """The GTID position matching a binlog file/offset (MariaDB's BINLOG_GTID_POS)."""
    with conn.cursor() as cur:
        cur.execute("SELECT BINLOG_GTID_POS(%s, %s)", (file, pos))
        row = cur.fetchone()
    return str(row[0]) if row and row[0] is not None else ""


def ensure_row_metadata(conn: Connection) -> None:
    """Column names must travel in the binlog's table-map events (binlog_row_metadata=FULL),
    so that rows written before an ALTER TABLE decode with the columns they had."""
    with conn.cursor() as cur:
        cur.execute("SELECT @@global.binlog_row_metadata")
        row = cur.fetchone()
        if row and str(row[0]).upper() != "FULL":
            cur.execute("SET GLOBAL binlog_row_metadata = 'FULL'")
