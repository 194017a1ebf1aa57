"""Read a live database's tables back into `TableSpec`s (information_schema) and diff them."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from ficus_legacy.schema.spec import ColumnSpec, TableSpec
from ficus_legacy.types import Connection

_INT_WIDTH = re.compile(r"^(tinyint|smallint|mediumint|int|bigint)\(\d+\)")


def _normal_type(column_type: str) -> str:
    return _INT_WIDTH.sub(r"\1", column_type.lower())


def _normal_default(value: str | None) -> str | None:
    if value is None or value == "NULL":
        return None
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    return value


def introspect(conn: Connection, table: str) -> TableSpec:
    """The columns, primary/unique keys and foreign keys of `table` in the current database."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT column_name, column_type, is_nullable, column_default, extra"
            " FROM information_schema.columns WHERE table_schema = DATABASE()"
            " AND table_name = %s ORDER BY ordinal_position",
            (table,),
        )
        columns = {
            name: ColumnSpec(
                _normal_type(kind),
                nullable == "YES",
                "auto_increment" in extra,
                _normal_default(default),
            )
            for name, kind, nullable, default, extra in cur.fetchall()
        }
        cur.execute(
            "SELECT index_name, column_name FROM information_schema.statistics"
            " WHERE table_schema = DATABASE() AND table_name = %s AND non_unique = 0"
            " ORDER BY index_name, seq_in_index",
            (table,),
        )
        indexes: dict[str, list[str]] = defaultdict(list)
        for index, column in cur.fetchall():
            indexes[index].append(column)
        cur.execute(
            "SELECT k.column_name, k.referenced_table_name, r.delete_rule"
            " FROM information_schema.key_column_usage k"
            " JOIN information_schema.referential_constraints r"
            " ON r.constraint_schema = k.constraint_schema"
            " AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name"
            " WHERE k.table_schema = DATABASE() AND k.table_name = %s"
            " AND k.referenced_table_name IS NOT NULL",
            (table,),
        )
        fks = frozenset((c, t, rule) for c, t, rule in cur.fetchall())
    primary = tuple(indexes.pop("PRIMARY", ()))
    return TableSpec(table, columns, primary, frozenset(map(tuple, indexes.values())), fks)


def _same_default(expected: str, actual: str | None) -> bool:
    if actual is None:
        return False
    try:
        return Decimal(expected) == Decimal(actual)
    except InvalidOperation:
        return expected.lower() == actual.lower()


def diff(expected: TableSpec, actual: TableSpec) -> list[str]:
    """Every way `actual` falls short of `expected` (empty when it matches)."""
    problems: list[str] = []
    for name, want in expected.columns.items():
        have = actual.columns.get(name)
        if have is None:
            problems.append(f"{expected.name}.{name}: missing")
            continue
        if (want.type, want.nullable, want.auto_increment) != (
            have.type,
            have.nullable,
            have.auto_increment,
        ):
            problems.append(f"{expected.name}.{name}: want {want}, have {have}")
        elif want.default is not None and not _same_default(want.default, have.default):
            problems.append(f"{expected.name}.{name}: default {want.default!r} != {have.default!r}")
    if expected.primary and expected.primary != actual.primary:
        problems.append(f"{expected.name}: primary {expected.primary} != {actual.primary}")
    for missing in expected.unique - actual.unique:
        problems.append(f"{expected.name}: unique key {missing} missing")
    for missing in expected.foreign_keys - actual.foreign_keys:
        problems.append(f"{expected.name}: foreign key {missing} missing")
    if expected.no_foreign_keys and actual.foreign_keys:
        problems.append(f"{expected.name}: unexpected foreign keys {set(actual.foreign_keys)}")
    return problems
