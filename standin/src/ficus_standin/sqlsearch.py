"""searchCriteria → SQL WHERE / ORDER BY / LIMIT, as Magento's `prepareSqlCondition` builds them.

A resolver maps a field name to a SQL expression (a column, or an EAV value with its store
fallback); an unknown field is a 400 naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ficus_legacy.core.searchcriteria import ConditionType, Filter, SearchCriteria
from ficus_legacy.core.webapi_errors import InputError

Resolver = Callable[[str], str | None]

_BINARY = {
    ConditionType.EQ: "=",
    ConditionType.NEQ: "!=",
    ConditionType.LIKE: "LIKE",
    ConditionType.NLIKE: "NOT LIKE",
    ConditionType.GT: ">",
    ConditionType.GTEQ: ">=",
    ConditionType.LT: "<",
    ConditionType.LTEQ: "<=",
    ConditionType.MOREQ: ">=",
    ConditionType.FROM: ">=",
    ConditionType.TO: "<=",
}


def _expression(resolve: Resolver, name: str, where: str) -> str:
    expr = resolve(name)
    if expr is None:
        raise InputError.invalid(where, name)
    return expr


def condition(expr: str, f: Filter) -> tuple[str, list[Any]]:
    """One filter as SQL text with its parameters."""
    kind = f.condition
    if kind in _BINARY:
        return f"{expr} {_BINARY[kind]} %s", [f.value]
    if kind in (ConditionType.IN, ConditionType.NIN):
        values = f.values()
        marks = ", ".join(["%s"] * len(values))
        negate = "NOT " if kind is ConditionType.NIN else ""
        return f"{expr} {negate}IN ({marks})", values
    if kind is ConditionType.NULL:
        return f"{expr} IS NULL", []
    if kind is ConditionType.NOTNULL:
        return f"{expr} IS NOT NULL", []
    negate = "NOT " if kind is ConditionType.NFINSET else ""
    return f"{negate}FIND_IN_SET(%s, {expr})", [f.value]


def where_clause(criteria: SearchCriteria, resolve: Resolver) -> tuple[str, list[Any]]:
    """`(g0f0 OR g0f1) AND (g1f0)`; "1=1" with no groups."""
    groups: list[str] = []
    params: list[Any] = []
    for g_index, group in enumerate(criteria.filter_groups):
        ors = []
        for f_index, f in enumerate(group.filters):
            where = f"searchCriteria[filter_groups][{g_index}][filters][{f_index}][field]"
            sql, values = condition(_expression(resolve, f.field, where), f)
            ors.append(sql)
            params.extend(values)
        groups.append("(" + " OR ".join(ors) + ")")
    return (" AND ".join(groups) or "1=1"), params


def order_clause(criteria: SearchCriteria, resolve: Resolver, tiebreak: str) -> str:
    parts = [
        f"{_expression(resolve, s.field, f'searchCriteria[sort_orders][{i}][field]')} {s.direction}"
        for i, s in enumerate(criteria.sort_orders)
    ]
    return ", ".join([*parts, tiebreak])


def limit_clause(criteria: SearchCriteria) -> str:
    if criteria.limit is None:
        return ""
    return f" LIMIT {int(criteria.limit)} OFFSET {int(criteria.offset)}"


def column_resolver(alias: str, columns: frozenset[str]) -> Resolver:
    """Fields that are plain columns of one table."""

    def resolve(name: str) -> str | None:
        return f"{alias}.`{name}`" if name in columns else None

    return resolve
