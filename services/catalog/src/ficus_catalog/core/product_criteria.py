"""searchCriteria (parsed by `ficus_legacy.core.searchcriteria`) → one SQL statement over the
catalog's tables (text and named parameters for psycopg; no query builder per request), with
the stand-in's (Magento's) semantics on MariaDB:

- filters ORed inside a group, groups ANDed; `id` is `entity_id`;
- an attribute reads the store view's value if the store has it, else the store-0 default;
- `category_id` matches per category link row (a LEFT JOIN, as Magento's collection does);
- text compares and sorts case-insensitively (utf8mb4_general_ci); NULLs sort first ascending;
- ties broken by entity_id; unknown fields are a 400 naming them.

The page is the products' stored Magento JSON (`product_json`: the view's own, else store
0's) in order, each row with the total of the filtered rows (`count(*) OVER ()`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ficus_catalog.core.values import COMMON_ATTRIBUTES, DECIMAL_COLUMNS, INT_COLUMNS
from ficus_catalog.errors import BadSearchCriteria
from ficus_legacy.core.searchcriteria import ConditionType, Filter, SearchCriteria, number_prefix

# name → (SQL, kind); kinds: text, int, decimal, datetime (how MariaDB compares the column).
_PRODUCT_FIELDS = {
    "entity_id": ("product.entity_id", "int"),
    "sku": ("product.sku", "text"),
    "type_id": ("product.type_id", "text"),
    "attribute_set_id": ("product.attribute_set_id", "int"),
    "has_options": ("product.has_options", "int"),
    "required_options": ("product.required_options", "int"),
    "created_at": ("product.created_at", "datetime"),
    "updated_at": ("product.updated_at", "datetime"),
}
_ALIASES = {"id": "entity_id"}
# Backend types of Magento's non-text product attributes kept in the jsonb (the rest is text).
_EXTRA_TYPES = {
    **dict.fromkeys(
        ("color", "size", "manufacturer", "tax_class_id", "quantity_and_stock_status"), "int"
    ),
    **dict.fromkeys(
        ("special_from_date", "special_to_date", "news_from_date", "news_to_date"), "datetime"
    ),
    "cost": "decimal",
}
_CASTS = {"int": "integer", "decimal": "numeric", "datetime": "timestamp"}
# utf8mb4_general_ci weighs a letter as its unaccented capital; ASCII sorts by the capital's
# code point ("_" after "Z"). Folding to that and comparing bytewise ("C") mimics it.
_ACCENTED = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿß"
_UNACCENTED = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOoooooUUUUuuuuYyyS"
_FOLD = str.maketrans(_ACCENTED, _UNACCENTED)
_BINARY = {
    ConditionType.EQ: "=",
    ConditionType.NEQ: "!=",
    ConditionType.GT: ">",
    ConditionType.GTEQ: ">=",
    ConditionType.LT: "<",
    ConditionType.LTEQ: "<=",
    ConditionType.MOREQ: ">=",
    ConditionType.FROM: ">=",
    ConditionType.TO: "<=",
}
_NEGATED = {ConditionType.NIN, ConditionType.NFINSET, ConditionType.NLIKE}
_JOINS = (
    " FROM product"
    " LEFT JOIN product_store_value AS sv"
    " ON sv.product_uuid = product.uuid AND sv.store_id = {store}"
    " LEFT JOIN product_store_value AS dv ON dv.product_uuid = product.uuid AND dv.store_id = 0"
)
_BODIES = (
    " LEFT JOIN product_json AS own"
    " ON own.product_uuid = product.uuid AND own.store_id = {store}"
    " LEFT JOIN product_json AS base ON base.product_uuid = product.uuid AND base.store_id = 0"
)
_LINKS = " LEFT JOIN product_category AS link ON link.product_uuid = product.uuid"
ATTRIBUTE_EXISTS = "SELECT EXISTS (SELECT 1 FROM product_store_value WHERE extra ? %(code)s)"


class BadField(BadSearchCriteria):
    def __init__(self, where: str, name: str) -> None:
        super().__init__(f"{where}: {name}")
        self.where = where
        self.name = name


def _fold_value(text: str, *, pad: bool = True) -> str:
    folded = text.translate(_FOLD).upper()
    return folded.rstrip(" ") if pad else folded


def _coerce(kind: str, raw: str | None, where: str) -> Any:
    """A filter value as MariaDB compares it with a column of that kind (numbers: the numeric
    prefix of the string, else 0, bounded before conversion; an unparsable datetime: never
    equal)."""
    text = raw or ""
    if kind in ("decimal", "int"):
        number = number_prefix(text, where) or Decimal(0)
        fits = -(2**31) <= number < 2**31  # beyond: a Decimal, compared as numeric
        return int(number) if kind == "int" and fits else number
    if kind == "datetime":
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            return None
    return _fold_value(text)


def attribute_candidates(criteria: SearchCriteria) -> list[str]:
    """The fields whose meaning depends on whether some product carries such an attribute
    (asked of the database before the statement is built)."""
    names = [f.field for g in criteria.filter_groups for f in g.filters if f.field != "category_id"]
    names += [s.field for s in criteria.sort_orders]
    known = (*_PRODUCT_FIELDS, *_ALIASES, *COMMON_ATTRIBUTES, *_EXTRA_TYPES)
    return [n for n in dict.fromkeys(names) if n not in known]


@dataclass
class ProductQuery:
    """Builds the statements of one searchCriteria in one store view: `store` is the SQL of
    the view's id (a bound parameter, or a scalar subquery resolving a store code: NULL for an
    unknown one), `params` holds what it binds; `attributes` are the extra attributes some
    product carries (of `attribute_candidates`)."""

    store: str
    attributes: Collection[str]
    params: dict[str, Any] = field(default_factory=dict)

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def _field(self, name: str) -> tuple[str, str] | None:
        name = _ALIASES.get(name, name)
        if name in _PRODUCT_FIELDS:
            return _PRODUCT_FIELDS[name]
        if name in COMMON_ATTRIBUTES:
            own = f"(sv.{name} IS NOT NULL OR sv.extra ? {self.bind(name)})"
            return f"CASE WHEN {own} THEN sv.{name} ELSE dv.{name} END", _common_kind(name)
        if name in _EXTRA_TYPES or name in self.attributes:
            code = self.bind(name)
            own, default = f"sv.extra ->> {code}", f"dv.extra ->> {code}"
            sql = f"CASE WHEN sv.extra ? {code} THEN {own} ELSE {default} END"
            kind = _EXTRA_TYPES.get(name, "text")
            return (sql if kind == "text" else f"CAST({sql} AS {_CASTS[kind]})"), kind
        return None

    def _fold(self, sql: str, *, pad: bool = True) -> str:
        """The general_ci comparison key of a text; trailing spaces ignored (PAD SPACE)."""
        folded = f"upper(translate({sql}, {self.bind(_ACCENTED)}, {self.bind(_UNACCENTED)}))"
        if pad:
            folded = f"rtrim({folded}, {self.bind(' ')})"
        return f'{folded} COLLATE "C"'

    def _compare(self, sql: str, kind: str, f: Filter, where: str) -> str:
        cond = f.condition
        if cond in (ConditionType.NULL, ConditionType.NOTNULL):
            return f"({sql} IS {'NOT ' if cond is ConditionType.NOTNULL else ''}NULL)"
        negate = "NOT " if cond in _NEGATED else ""
        if cond in (ConditionType.FINSET, ConditionType.NFINSET):
            items = f"string_to_array({self._fold(f'CAST({sql} AS TEXT)', pad=False)}, ',')"
            value = self.bind(_fold_value(f.value or "", pad=False))
            return f"({negate}({value} = any({items})))"
        if cond in (ConditionType.LIKE, ConditionType.NLIKE):
            pattern = self.bind(_fold_value(f.value or "", pad=False))
            return f"({negate}({self._fold(f'CAST({sql} AS TEXT)', pad=False)} LIKE {pattern}))"
        lhs = self._fold(sql) if kind == "text" else _widened(kind, sql, f, where)
        if cond in (ConditionType.IN, ConditionType.NIN):
            values = [v for v in (_coerce(kind, v, where) for v in f.values()) if v is not None]
            if not values:  # as SQLAlchemy renders an empty IN: false; NOT IN: true
                return "true" if negate else "false"
            return f"({lhs} {negate}IN ({', '.join(self.bind(v) for v in values)}))"
        value = _coerce(kind, f.value, where)
        if value is None:
            return "false"
        return f"({lhs} {_BINARY[cond]} {self.bind(value)})"

    def _filter(self, f: Filter, where: str) -> str:
        found = ("link.category_id", "int") if f.field == "category_id" else self._field(f.field)
        if found is None:
            raise BadField(where, f.field)
        return self._compare(*found, f, where.removesuffix("[field]") + "[value]")

    def where(self, criteria: SearchCriteria) -> str:
        groups = ["true"]
        for g, group in enumerate(criteria.filter_groups):
            ors = [
                self._filter(f, f"searchCriteria[filter_groups][{g}][filters][{i}][field]")
                for i, f in enumerate(group.filters)
            ]
            if ors:
                groups.append(f"({' OR '.join(ors)})")
        return " AND ".join(groups)

    def order(self, criteria: SearchCriteria) -> str:
        out = []
        for i, sort in enumerate(criteria.sort_orders):
            found = self._field(sort.field)
            if found is None:
                raise BadField(f"searchCriteria[sort_orders][{i}][field]", sort.field)
            key = self._fold(found[0]) if found[1] == "text" else found[0]
            # MariaDB puts NULLs first ascending and last descending.
            desc = sort.direction == "DESC"
            out.append(f"{key} DESC NULLS LAST" if desc else f"{key} ASC NULLS FIRST")
        return ", ".join([*out, "product.entity_id ASC"])

    def matching(self, criteria: SearchCriteria) -> str:
        """The condition on `product` (a category filter matches per link row)."""
        where = self.where(criteria)
        if "category_id" in criteria.fields():
            return f"product.uuid IN (SELECT product.uuid{self._joins()}{_LINKS} WHERE {where})"
        return where

    def _joins(self) -> str:
        return _JOINS.format(store=self.store)

    def page(self, criteria: SearchCriteria) -> tuple[str, str]:
        """(the page: body, total and store id per row, in order; the store id and the total
        alone) for `criteria`."""
        where = self.matching(criteria)
        bodies = _BODIES.format(store=self.store)
        rows = (
            f"SELECT coalesce(own.body, base.body), count(*) OVER (), {self.store}"
            f"{self._joins()}{bodies} WHERE {where} ORDER BY {self.order(criteria)}"
        )
        if criteria.limit is not None:
            rows += f" LIMIT {self.bind(criteria.limit)} OFFSET {self.bind(criteria.offset)}"
        return rows, f"SELECT {self.store}, (SELECT count(*){self._joins()} WHERE {where})"


def _common_kind(name: str) -> str:
    return "decimal" if name in DECIMAL_COLUMNS else "int" if name in INT_COLUMNS else "text"


def _widened(kind: str, sql: str, f: Filter, where: str) -> str:
    """An integer column compared with a number beyond 32 bits compares as numeric (a bound
    integer parameter would overflow), as MariaDB compares it."""
    if kind != "int" or f.condition in (ConditionType.NULL, ConditionType.NOTNULL):
        return sql
    values = [_coerce(kind, v, where) for v in [*f.values(), f.value]]
    return f"CAST({sql} AS NUMERIC)" if any(isinstance(v, Decimal) for v in values) else sql
