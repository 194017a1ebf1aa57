"""searchCriteria (parsed by `ficus_legacy.core.searchcriteria`) → a SQLAlchemy query over the
catalog's model, with the stand-in's (Magento's) semantics on MariaDB:

- filters ORed inside a group, groups ANDed; `id` is `entity_id`;
- an attribute reads the store view's value if the store has it, else the store-0 default;
- `category_id` matches per category link row (a LEFT JOIN, as Magento's collection does);
- text compares and sorts case-insensitively (utf8mb4_general_ci); NULLs sort first ascending;
- ties broken by entity_id; unknown fields are a 400 naming them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Numeric,
    Select,
    Text,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from ficus_catalog.core.values import COMMON_ATTRIBUTES
from ficus_catalog.errors import BadSearchCriteria
from ficus_catalog.tables import Product, ProductCategory, ProductStoreValue
from ficus_legacy.core.searchcriteria import ConditionType, Filter, SearchCriteria, number_prefix

_PRODUCT_FIELDS: dict[str, Any] = {
    "entity_id": Product.entity_id,
    "sku": Product.sku,
    "type_id": Product.type_id,
    "attribute_set_id": Product.attribute_set_id,
    "has_options": Product.has_options,
    "required_options": Product.required_options,
    "created_at": Product.created_at,
    "updated_at": Product.updated_at,
}
_ALIASES = {"id": "entity_id"}
# Backend types of Magento's non-text product attributes kept in the jsonb (the rest is text).
_EXTRA_TYPES: dict[str, Any] = {
    **dict.fromkeys(
        ("color", "size", "manufacturer", "tax_class_id", "quantity_and_stock_status"), Integer()
    ),
    **dict.fromkeys(
        ("special_from_date", "special_to_date", "news_from_date", "news_to_date"), DateTime()
    ),
    "cost": Numeric(),
}
# utf8mb4_general_ci weighs a letter as its unaccented capital; ASCII sorts by the capital's
# code point ("_" after "Z"). Folding to that and comparing bytewise ("C") mimics it.
_ACCENTED = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿß"
_UNACCENTED = "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOoooooUUUUuuuuYyyS"

AttributeExists = Callable[[str], bool]


class BadField(BadSearchCriteria):
    def __init__(self, where: str, name: str) -> None:
        super().__init__(f"{where}: {name}")
        self.where = where
        self.name = name


def _kind(expr: Any) -> str:
    sql_type = expr.type
    if isinstance(sql_type, Numeric):
        return "decimal"
    if isinstance(sql_type, Integer):
        return "int"
    if isinstance(sql_type, DateTime):
        return "datetime"
    return "text"


def _fold(expr: Any, *, pad: bool = True) -> Any:
    """The general_ci comparison key of a text; trailing spaces ignored (PAD SPACE)."""
    folded = func.upper(func.translate(expr, _ACCENTED, _UNACCENTED))
    return (func.rtrim(folded, " ") if pad else folded).collate("C")


def _fold_value(text: str, *, pad: bool = True) -> str:
    folded = text.translate(str.maketrans(_ACCENTED, _UNACCENTED)).upper()
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


def _widened(kind: str, expr: Any, f: Filter, where: str) -> Any:
    """An integer column compared with a number beyond 32 bits compares as numeric (a bound
    integer parameter would overflow), as MariaDB compares it."""
    if kind != "int" or f.condition in (ConditionType.NULL, ConditionType.NOTNULL):
        return expr
    values = [_coerce(kind, v, where) for v in [*f.values(), f.value]]
    return cast(expr, Numeric()) if any(isinstance(v, Decimal) for v in values) else expr


# Built once: an alias adapts each column it is asked for, and memoizes it (building them per
# request was a quarter of a list read's CPU).
_STORE = aliased(ProductStoreValue, name="sv")
_DEFAULT = aliased(ProductStoreValue, name="dv")
_LINK = aliased(ProductCategory, name="link")


class ProductQuery:
    """Builds the filtered, sorted select of product uuids for one store view."""

    def __init__(self, store_id: int, attribute_exists: AttributeExists) -> None:
        self.store, self.default, self.link = _STORE, _DEFAULT, _LINK
        self.store_id = store_id
        self._exists = attribute_exists

    def _field(self, name: str) -> Any | None:
        name = _ALIASES.get(name, name)
        if name in _PRODUCT_FIELDS:
            return _PRODUCT_FIELDS[name]
        if name in COMMON_ATTRIBUTES:
            own = getattr(self.store, name)
            in_store = or_(own.is_not(None), self.store.extra.has_key(name))
            return case((in_store, own), else_=getattr(self.default, name))
        if name in _EXTRA_TYPES or self._exists(name):
            own_text = self.store.extra[name].astext
            text = case(
                (self.store.extra.has_key(name), own_text),
                else_=self.default.extra[name].astext,
            )
            kind = _EXTRA_TYPES.get(name)
            return text if kind is None else cast(text, kind)
        return None

    def _compare(self, expr: Any, f: Filter, where: str) -> ColumnElement[bool]:
        kind = _kind(expr)
        lhs = _fold(expr) if kind == "text" else _widened(kind, expr, f, where)
        cond = f.condition
        test: ColumnElement[bool]
        if cond in (ConditionType.NULL, ConditionType.NOTNULL):
            test = expr.is_(None)
            return ~test if cond is ConditionType.NOTNULL else test
        if cond in (ConditionType.IN, ConditionType.NIN):
            values = [_coerce(kind, v, where) for v in f.values()]
            test = lhs.in_([v for v in values if v is not None])
            return ~test if cond is ConditionType.NIN else test
        if cond in (ConditionType.FINSET, ConditionType.NFINSET):
            items = func.string_to_array(_fold(cast(expr, Text()), pad=False), ",")
            test = literal(_fold_value(f.value or "", pad=False)) == func.any(items)
            return ~test if cond is ConditionType.NFINSET else test
        if cond in (ConditionType.LIKE, ConditionType.NLIKE):
            pattern = _fold_value(f.value or "", pad=False)
            test = _fold(cast(expr, Text()), pad=False).like(pattern)
            return ~test if cond is ConditionType.NLIKE else test
        value = _coerce(kind, f.value, where)
        if value is None:
            return false()
        result: ColumnElement[bool] = _BINARY[cond](lhs, value)
        return result

    def _filter(self, f: Filter, where: str) -> ColumnElement[bool]:
        expr = self.link.category_id if f.field == "category_id" else self._field(f.field)
        if expr is None:
            raise BadField(where, f.field)
        return self._compare(expr, f, where.removesuffix("[field]") + "[value]")

    def where(self, criteria: SearchCriteria) -> ColumnElement[bool]:
        groups = []
        for g, group in enumerate(criteria.filter_groups):
            ors = [
                self._filter(f, f"searchCriteria[filter_groups][{g}][filters][{i}][field]")
                for i, f in enumerate(group.filters)
            ]
            groups.append(or_(*ors))
        return and_(true(), *groups)

    def order(self, criteria: SearchCriteria) -> list[Any]:
        out = []
        for i, sort in enumerate(criteria.sort_orders):
            expr = self._field(sort.field)
            if expr is None:
                raise BadField(f"searchCriteria[sort_orders][{i}][field]", sort.field)
            key = _fold(expr) if _kind(expr) == "text" else expr
            # MariaDB puts NULLs first ascending and last descending.
            out.append(
                key.desc().nulls_last() if sort.direction == "DESC" else key.asc().nulls_first()
            )
        return [*out, Product.entity_id.asc()]

    def _joined(self, columns: Any, with_links: bool) -> Select[Any]:
        stmt = (
            select(columns)
            .outerjoin(
                self.store,
                and_(self.store.product_uuid == Product.uuid, self.store.store_id == self.store_id),
            )
            .outerjoin(
                self.default,
                and_(self.default.product_uuid == Product.uuid, self.default.store_id == 0),
            )
        )
        if with_links:
            stmt = stmt.outerjoin(self.link, self.link.product_uuid == Product.uuid)
        return stmt

    def page(self, criteria: SearchCriteria) -> tuple[Select[Any], Select[Any]]:
        """(the page of uuids in order, the total count) for `criteria`."""
        where = self.where(criteria)
        if "category_id" in criteria.fields():
            matching = self._joined(Product.uuid, True).where(where).correlate(None)
            where = Product.uuid.in_(matching)
        rows = self._joined(Product.uuid, False).where(where).order_by(*self.order(criteria))
        if criteria.limit is not None:
            rows = rows.limit(criteria.limit).offset(criteria.offset)
        count = select(func.count()).select_from(
            self._joined(Product.uuid, False).where(where).subquery()
        )
        return rows, count


_BINARY: dict[ConditionType, Callable[[Any, Any], Any]] = {
    ConditionType.EQ: lambda a, b: a == b,
    ConditionType.NEQ: lambda a, b: a != b,
    ConditionType.GT: lambda a, b: a > b,
    ConditionType.GTEQ: lambda a, b: a >= b,
    ConditionType.LT: lambda a, b: a < b,
    ConditionType.LTEQ: lambda a, b: a <= b,
    ConditionType.MOREQ: lambda a, b: a >= b,
    ConditionType.FROM: lambda a, b: a >= b,
    ConditionType.TO: lambda a, b: a <= b,
}
