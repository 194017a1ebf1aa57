"""MAGENTO.md §A as data: what an introspection of the installed schema must find.

Written in MAGENTO.md's own notation, independently of the DDL, and parsed here:
`name type [uns] [NN] [AI] [=default]`; FKs as `col->table RULE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ficus_legacy.schema._spec_tables import SPECS
from ficus_legacy.schema._spec_tables2 import SPECS_2


@dataclass(frozen=True)
class ColumnSpec:
    type: str  # normalised, e.g. "smallint unsigned", "varchar(32)", "decimal(20,6)"
    nullable: bool
    auto_increment: bool = False
    default: str | None = None  # None = not asserted; "NULL" asserted NULL


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: dict[str, ColumnSpec]
    primary: tuple[str, ...] = ()
    unique: frozenset[tuple[str, ...]] = field(default_factory=frozenset)
    foreign_keys: frozenset[tuple[str, str, str]] = field(default_factory=frozenset)
    # (column, referenced table, ON DELETE rule)
    no_foreign_keys: bool = False  # MAGENTO.md says "no FKs": assert none exist


_COLUMN = re.compile(r"^(?P<name>\w+) (?P<type>[a-z]+(?:\(\d+(?:,\d+)?\))?)(?P<rest>.*)$")


def parse_column(text: str) -> tuple[str, ColumnSpec]:
    """Parse one MAGENTO.md column fact, e.g. `sort_order smallint uns NN =0`."""
    match = _COLUMN.match(text.strip())
    if match is None:
        raise ValueError(f"bad column spec: {text!r}")
    rest = match["rest"].split()
    kind = match["type"] + (" unsigned" if "uns" in rest else "")
    default = next((word[1:] for word in rest if word.startswith("=")), None)
    auto = "AI" in rest
    return match["name"], ColumnSpec(kind, "NN" not in rest and not auto, auto, default)


def parse_table(
    name: str,
    columns: str,
    primary: str = "",
    unique: tuple[str, ...] = (),
    fks: tuple[str, ...] = (),
    no_fks: bool = False,
) -> TableSpec:
    cols = dict(parse_column(part) for part in columns.split(";") if part.strip())
    if not primary:
        primary = next((c for c, spec in cols.items() if spec.auto_increment), "")
    return TableSpec(
        name=name,
        columns=cols,
        primary=_names(primary),
        unique=frozenset(_names(u) for u in unique),
        foreign_keys=frozenset(_fk(fk) for fk in fks),
        no_foreign_keys=no_fks,
    )


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _fk(text: str) -> tuple[str, str, str]:
    column, rest = text.split("->")
    table, rule = rest.split(" ", 1)
    return column.strip(), table.strip(), rule.strip().upper()


def expected() -> dict[str, TableSpec]:
    """Per table, the columns, keys and foreign keys MAGENTO.md states for Magento 2.4.8."""
    specs = (parse_table(name, cols, pk, **kw) for (name, cols, pk), kw in (*SPECS, *SPECS_2))
    return {spec.name: spec for spec in specs}
