"""searchCriteria over categories in memory, as MariaDB evaluates the stand-in's SQL over the
EAV category collection (`GET /V1/categories/list`); a catalog holds a few thousand categories
at most, so the list filters `CategoryState`s instead of translating to SQL.

MariaDB's rules kept: an integer column (the entity's ids, position, level, children_count and
the int-backed attributes) compares numerically (a text operand is its numeric prefix, else 0);
every other field compares as text under utf8mb4_general_ci (case and accents folded, trailing
spaces ignored); NULL matches no condition but `null`; NULLs sort first ascending; ties go by id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ficus_catalog.errors import InvalidAttribute
from ficus_contracts.events import CategoryState
from ficus_legacy.core.category_json import category_values
from ficus_legacy.core.searchcriteria import ConditionType, Filter, SearchCriteria, number_prefix

DEFAULT_ATTRIBUTE_SET = 3  # every category's attribute set in Magento
INT_COLUMNS = frozenset(
    {"entity_id", "attribute_set_id", "parent_id", "position", "level", "children_count"}
)
TEXT_COLUMNS = frozenset({"path", "created_at", "updated_at"})
INT_ATTRIBUTES = frozenset(
    {"is_active", "include_in_menu", "is_anchor", "landing_page", "custom_use_parent_settings",
     "custom_apply_to_products"}
)  # fmt: skip
ATTRIBUTES = INT_ATTRIBUTES | frozenset(
    {"name", "description", "image", "meta_title", "meta_keywords", "meta_description",
     "display_mode", "available_sort_by", "default_sort_by", "url_key", "url_path",
     "custom_design", "custom_design_from", "custom_design_to", "page_layout",
     "custom_layout_update", "filter_price_range"}
)  # fmt: skip
Value = Decimal | str | None
Getter = Callable[[CategoryState], Value]
_RELATIONS: dict[ConditionType, Callable[[Any, Any], bool]] = {
    ConditionType.GT: lambda a, b: a > b,
    ConditionType.GTEQ: lambda a, b: a >= b,
    ConditionType.MOREQ: lambda a, b: a >= b,
    ConditionType.FROM: lambda a, b: a >= b,
    ConditionType.LT: lambda a, b: a < b,
    ConditionType.LTEQ: lambda a, b: a <= b,
    ConditionType.TO: lambda a, b: a <= b,
}


def fold(text: str) -> str:
    """A general_ci sort/compare key: accents dropped, case folded, trailing spaces ignored."""
    bare = unicodedata.normalize("NFD", text.rstrip(" "))
    return "".join(c for c in bare if not unicodedata.combining(c)).upper()


def _number(text: str, field: str) -> Decimal:
    return number_prefix(text.lstrip(), field) or Decimal(0)


def _static(state: CategoryState, name: str) -> Value:
    if name == "attribute_set_id":
        return Decimal(DEFAULT_ATTRIBUTE_SET)
    value = getattr(state, name)
    return Decimal(value) if name in INT_COLUMNS else str(value)


def getter(name: str, store_id: int, known: frozenset[str]) -> tuple[Getter, bool]:
    """How to read field `name` of a category (and whether it is numeric)."""
    if name in INT_COLUMNS or name in TEXT_COLUMNS:
        return (lambda s: _static(s, name)), name in INT_COLUMNS
    if name not in ATTRIBUTES and name not in known:
        raise InvalidAttribute(name)
    numeric = name in INT_ATTRIBUTES

    def read(state: CategoryState) -> Value:
        value = category_values(state, store_id).get(name)
        if value is None:
            return None
        return _number(value, name) if numeric else value

    return read, numeric


def _like(pattern: str) -> re.Pattern[str]:
    parts = []
    escaped = False
    for char in fold(pattern):
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append({"%": ".*", "_": "."}.get(char) or re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def _operand(raw: str | None, numeric: bool, field: str) -> Value:
    if raw is None:
        return None
    return _number(raw, field) if numeric else fold(raw)


def matches(value: Value, f: Filter, numeric: bool) -> bool:
    """One filter against one value (None: the SQL NULL)."""
    kind = f.condition
    if kind is ConditionType.NULL or kind is ConditionType.NOTNULL:
        return (value is None) == (kind is ConditionType.NULL)
    if value is None:
        return False
    text = _plain(value)
    key = value if numeric else fold(text)
    if kind in (ConditionType.LIKE, ConditionType.NLIKE):
        hit = _like(f.value or "").fullmatch(fold(text)) is not None
        return hit == (kind is ConditionType.LIKE)
    if kind in (ConditionType.FINSET, ConditionType.NFINSET):
        hit = fold(f.value or "") in [fold(part) for part in text.split(",")]
        return hit == (kind is ConditionType.FINSET)
    if kind in (ConditionType.IN, ConditionType.NIN):
        hit = key in [_operand(v, numeric, f.field) for v in f.values()]
        return hit == (kind is ConditionType.IN)
    operand = _operand(f.value, numeric, f.field)
    if operand is None:
        return False
    if kind is ConditionType.EQ or kind is ConditionType.NEQ:
        return (key == operand) == (kind is ConditionType.EQ)
    return bool(_RELATIONS[kind](key, operand))


def _plain(value: Decimal | str) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else value


def select(
    states: Sequence[CategoryState], criteria: SearchCriteria, store_id: int
) -> tuple[list[CategoryState], int]:
    """The page of `states` the criteria select, and how many match in all."""
    known = frozenset(code for s in states for values in s.attributes.values() for code in values)
    kept = list(states)
    for group in criteria.filter_groups:
        tests = [(f, *getter(f.field, store_id, known)) for f in group.filters]
        kept = [s for s in kept if any(matches(read(s), f, num) for f, read, num in tests)]
    ordered = sorted(kept, key=lambda s: s.entity_id)
    for order in reversed(criteria.sort_orders):
        read, numeric = getter(order.field, store_id, known)
        ordered.sort(key=lambda s: _sort_key(read(s), numeric), reverse=order.direction == "DESC")
    total = len(ordered)
    if criteria.limit is None:
        return ordered, total
    return ordered[criteria.offset : criteria.offset + criteria.limit], total


def _sort_key(value: Value, numeric: bool) -> tuple[int, Any]:
    if value is None:
        return (0, Decimal(0) if numeric else "")
    return (1, value if numeric else fold(str(value)))
