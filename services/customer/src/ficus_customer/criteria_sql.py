"""searchCriteria → SQL over the customers' state documents (`customer.state` jsonb), with
MariaDB's semantics where Magento's answer depends on them: text compares case-insensitively
(utf8mb4_general_ci), a number field compares numerically with the value's numeric prefix, NULLs
sort first ascending. An unknown field is the 400 naming it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ficus_customer.errors import InputError
from ficus_legacy.core.searchcriteria import ConditionType, Filter, SearchCriteria, number_prefix

_NUMBERS = ("entity_id", "website_id", "group_id", "store_id", "gender", "default_billing",
            "default_shipping")  # fmt: skip
_TEXTS = ("email", "created_at", "updated_at", "created_in", "firstname", "middlename",
          "lastname", "prefix", "suffix", "dob", "taxvat")  # fmt: skip
_ALIASES = {"id": "entity_id"}
_BINARY = {
    ConditionType.EQ: "=", ConditionType.NEQ: "!=", ConditionType.GT: ">",
    ConditionType.GTEQ: ">=", ConditionType.LT: "<", ConditionType.LTEQ: "<=",
    ConditionType.MOREQ: ">=", ConditionType.FROM: ">=", ConditionType.TO: "<=",
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    expression: str
    numeric: bool


def column(name: str) -> Column | None:
    name = _ALIASES.get(name, name)
    if name in _NUMBERS:
        return Column(f"(state->>'{name}')::numeric", True)
    if name == "is_active":
        return Column("(state->>'is_active')::boolean::int", True)
    if name in _TEXTS:
        return Column(f"lower(state->>'{name}')", False)
    return None


def _operand(col: Column, value: str, where: str) -> Any:
    if not col.numeric:
        return value.lower()
    return number_prefix(value, where) or Decimal(0)


def condition(col: Column, f: Filter, where: str) -> tuple[str, list[Any]]:
    kind, expr = f.condition, col.expression
    if kind in _BINARY:
        return f"{expr} {_BINARY[kind]} %s", [_operand(col, f.value or "", where)]
    if kind in (ConditionType.LIKE, ConditionType.NLIKE):
        negate = "NOT " if kind is ConditionType.NLIKE else ""
        return f"{expr}::text {negate}LIKE lower(%s)", [f.value]
    if kind in (ConditionType.IN, ConditionType.NIN):
        negate = "NOT " if kind is ConditionType.NIN else ""
        return f"{negate}({expr} = ANY(%s))", [[_operand(col, v, where) for v in f.values()]]
    if kind is ConditionType.NULL:
        return f"{expr} IS NULL", []
    if kind is ConditionType.NOTNULL:
        return f"{expr} IS NOT NULL", []
    negate = "NOT " if kind is ConditionType.NFINSET else ""
    return f"{negate}(lower(%s) = ANY(string_to_array({expr}::text, ',')))", [f.value]


def _resolve(name: str, where: str) -> Column:
    found = column(name)
    if found is None:
        raise InputError.invalid(where, name)
    return found


def where_clause(criteria: SearchCriteria) -> tuple[str, list[Any]]:
    """`(g0f0 OR g0f1) AND (g1f0)`; "true" with no groups."""
    groups: list[str] = []
    params: list[Any] = []
    for g, group in enumerate(criteria.filter_groups):
        ors = []
        for i, f in enumerate(group.filters):
            where = f"searchCriteria[filter_groups][{g}][filters][{i}][field]"
            sql, values = condition(_resolve(f.field, where), f, where)
            ors.append(sql)
            params.extend(values)
        groups.append("(" + " OR ".join(ors) + ")")
    return (" AND ".join(groups) or "true"), params


def order_clause(criteria: SearchCriteria) -> str:
    parts = []
    for i, s in enumerate(criteria.sort_orders):
        col = _resolve(s.field, f"searchCriteria[sort_orders][{i}][field]")
        nulls = "FIRST" if s.direction == "ASC" else "LAST"
        parts.append(f"{col.expression} {s.direction} NULLS {nulls}")
    return ", ".join([*parts, "entity_id ASC"])


def limit_clause(criteria: SearchCriteria) -> str:
    if criteria.limit is None:
        return ""
    return f" LIMIT {int(criteria.limit)} OFFSET {int(criteria.offset)}"
