"""The shape of a captured table (columns, primary key, cascading foreign keys) and its
Postgres mirror DDL (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from ficus_sync.core.envelope import ColumnHint, Kind

MIRROR_SCHEMA = "mirror"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    data_type: str  # MariaDB DATA_TYPE, e.g. "decimal"
    column_type: str  # MariaDB COLUMN_TYPE, e.g. "decimal(12,4) unsigned"
    precision: int | None = None
    scale: int | None = None
    fsp: int | None = None

    @property
    def pg_type(self) -> str:
        return pg_type(self)

    @property
    def hint(self) -> ColumnHint:
        return ColumnHint(_KIND.get(self.data_type, Kind.TEXT), self.scale or 0, self.fsp or 0)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """child(columns) references parent(parent_columns) ON DELETE `rule`."""

    child: str
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]
    rule: str  # CASCADE | SET NULL


@dataclass(frozen=True, slots=True)
class TableShape:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def hints(self) -> dict[str, ColumnHint]:
        return {c.name: c.hint for c in self.columns}


_KIND = {
    "tinyint": Kind.INTEGER,
    "smallint": Kind.INTEGER,
    "mediumint": Kind.INTEGER,
    "int": Kind.INTEGER,
    "bigint": Kind.INTEGER,
    "year": Kind.INTEGER,
    "decimal": Kind.DECIMAL,
    "float": Kind.FLOAT,
    "double": Kind.FLOAT,
    "datetime": Kind.DATETIME,
    "timestamp": Kind.TIMESTAMP,
    "date": Kind.DATE,
    "blob": Kind.BINARY,
    "tinyblob": Kind.BINARY,
    "mediumblob": Kind.BINARY,
    "longblob": Kind.BINARY,
    "binary": Kind.BINARY,
    "varbinary": Kind.BINARY,
}


def pg_type(column: Column) -> str:
    """Postgres type holding every value of the MariaDB column."""
    kind = _KIND.get(column.data_type, Kind.TEXT)
    unsigned = "unsigned" in column.column_type
    if kind is Kind.INTEGER:
        if column.data_type == "bigint":
            return "numeric(20,0)" if unsigned else "bigint"
        return "bigint" if column.data_type == "int" else "integer"
    if kind is Kind.DECIMAL:
        return f"numeric({column.precision or 65},{column.scale or 0})"
    if kind is Kind.FLOAT:
        return "double precision"
    if kind in (Kind.DATETIME, Kind.TIMESTAMP):
        return f"timestamp({min(column.fsp or 0, 6)})"
    if kind is Kind.DATE:
        return "date"
    if kind is Kind.BINARY:
        return "bytea"
    return "text"


def qualified(table: str) -> str:
    return f'{MIRROR_SCHEMA}."{table}"'


def create_ddl(shape: TableShape) -> list[str]:
    """Idempotent DDL: the table with its primary key, then every column (added if missing)."""
    columns = ", ".join(f'"{c.name}" {c.pg_type}' for c in shape.columns)
    key = ", ".join(f'"{c}"' for c in shape.primary_key)
    statements = [
        f"CREATE SCHEMA IF NOT EXISTS {MIRROR_SCHEMA}",
        f"CREATE TABLE IF NOT EXISTS {qualified(shape.name)} ({columns}, PRIMARY KEY ({key}))",
    ]
    statements += [
        f'ALTER TABLE {qualified(shape.name)} ADD COLUMN IF NOT EXISTS "{c.name}" {c.pg_type}'
        for c in shape.columns
    ]
    return statements


def lookup_index_ddl(table: str, column: str) -> str:
    """An index on the column that names the aggregate (projector reads by it)."""
    return f'CREATE INDEX IF NOT EXISTS "{table}__{column}" ON {qualified(table)} ("{column}")'
