"""Magento's `searchCriteria` query parameters, parsed into a model (pure: no SQL, no driver).

    searchCriteria[filter_groups][G][filters][F][field|value|condition_type]
    searchCriteria[sortOrders][N][field|direction]
    searchCriteria[pageSize], searchCriteria[currentPage]

camelCase and snake_case keys are both accepted (`filterGroups`, `conditionType`, `page_size` …),
and so is `search_criteria` for the root. Filters inside a group are ORed, groups are ANDed; the
default condition type is `eq`. A bad parameter raises `SearchCriteriaError` whose `message` and
`parameters` are Magento's error body (HTTP 400), naming the offending field. Every value is
bounded (`ficus_legacy.core.criteriabounds`) before anything converts it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ficus_legacy.core.criteriabounds import (
    REQUIRED_MESSAGE,
    SearchCriteriaError,
    check_count,
    check_index,
    check_text,
    invalid,
    number,
    number_prefix,
    page_number,
)

__all__ = [
    "ConditionType",
    "Filter",
    "FilterGroup",
    "SearchCriteria",
    "SearchCriteriaError",
    "SortOrder",
    "number",
    "number_prefix",
    "parse_search_criteria",
]

ROOT_NAMES = ("searchCriteria", "search_criteria")
# Magento's item types, named when a list is longer than its EntityArrayValidator allows.
GROUP_TYPE = "Magento\\Framework\\Api\\Search\\FilterGroup"
FILTER_TYPE = "Magento\\Framework\\Api\\Filter"
SORT_TYPE = "Magento\\Framework\\Api\\SortOrder"
DIRECTION_MESSAGE = (
    "The sort order has to be specified as %1 for ascending order or %2 for descending order."
)


class ConditionType(enum.StrEnum):
    EQ = "eq"
    NEQ = "neq"
    LIKE = "like"
    NLIKE = "nlike"
    IN = "in"
    NIN = "nin"
    GT = "gt"
    GTEQ = "gteq"
    LT = "lt"
    LTEQ = "lteq"
    MOREQ = "moreq"
    FROM = "from"
    TO = "to"
    NULL = "null"
    NOTNULL = "notnull"
    FINSET = "finset"
    NFINSET = "nfinset"


@dataclass(frozen=True)
class Filter:
    field: str
    value: str | None
    condition_type: ConditionType | None = None  # None: not given, means eq

    @property
    def condition(self) -> ConditionType:
        return self.condition_type or ConditionType.EQ

    def values(self) -> list[str]:
        """The comma-separated list of an `in`/`nin` filter."""
        return [part.strip() for part in (self.value or "").split(",")]

    def echo(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field}
        if self.value is not None:
            out["value"] = self.value
        if self.condition_type is not None:
            out["condition_type"] = self.condition_type.value
        return out


@dataclass(frozen=True)
class FilterGroup:
    filters: tuple[Filter, ...]


@dataclass(frozen=True)
class SortOrder:
    field: str
    direction: str  # "ASC" or "DESC"; Magento sorts DESC when the direction is omitted
    direction_given: bool = True

    def echo(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field}
        if self.direction_given:
            out["direction"] = self.direction
        return out


@dataclass(frozen=True)
class SearchCriteria:
    filter_groups: tuple[FilterGroup, ...] = ()
    sort_orders: tuple[SortOrder, ...] = ()
    page_size: int | None = None
    current_page: int | None = None

    @property
    def page(self) -> int:
        return max(self.current_page or 1, 1)

    @property
    def limit(self) -> int | None:
        """Rows per page, or None for all (Magento treats 0 as no limit)."""
        return self.page_size or None

    @property
    def offset(self) -> int:
        return (self.page - 1) * (self.limit or 0)

    def fields(self) -> set[str]:
        """Every field the criteria filter or sort on."""
        names = {f.field for g in self.filter_groups for f in g.filters}
        return names | {s.field for s in self.sort_orders}

    def echo(self) -> dict[str, Any]:
        """The `search_criteria` block of Magento's search-result envelope."""
        out: dict[str, Any] = {
            "filter_groups": [
                {"filters": [f.echo() for f in g.filters]} for g in self.filter_groups
            ]
        }
        if self.sort_orders:
            out["sort_orders"] = [s.echo() for s in self.sort_orders]
        if self.page_size is not None:
            out["page_size"] = self.page_size
        if self.current_page is not None:
            out["current_page"] = self.current_page
        return out


_KEY = re.compile(r"\[([^\[\]]*)\]")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _split(key: str) -> tuple[str, list[str]] | None:
    head, bracket, rest = key.partition("[")
    if head not in ROOT_NAMES:
        return None
    parts = _KEY.findall(bracket + rest) if bracket else []
    return head, [_snake(p) for p in parts]


def _tree(params: Iterable[tuple[str, str]]) -> tuple[bool, dict[str, Any]]:
    found = False
    tree: dict[str, Any] = {}
    for key, value in params:
        split = _split(key)
        if split is None:
            continue
        found = True
        node = tree
        path = split[1]
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise invalid(value, _name(path))
            node = child
        if path:
            node[path[-1]] = value
    return found, tree


def _name(path: list[str]) -> str:
    return "searchCriteria" + "".join(f"[{p}]" for p in path)


def _indexed(node: object, path: list[str], item_type: str) -> list[tuple[int, Any]]:
    if not isinstance(node, dict):
        raise invalid(node, _name(path))
    check_count(len(node), item_type)
    items = [(check_index(index, _name(path)), child) for index, child in node.items()]
    return sorted(items, key=lambda item: item[0])


def _text(node: Mapping[str, Any], key: str, path: list[str]) -> str | None:
    """A leaf of the tree (None if absent), bounded; a nested node there is invalid."""
    raw = node.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise invalid(raw, _name([*path, key]))
    return check_text(raw, _name([*path, key]))


def _page(tree: Mapping[str, Any], key: str) -> int | None:
    raw = tree.get(key)
    return None if raw is None else page_number(raw, _name([key]))


def _condition(node: Mapping[str, Any], path: list[str]) -> ConditionType | None:
    raw = _text(node, "condition_type", path)
    if raw is None:
        return None
    try:
        return ConditionType(raw.strip().lower())
    except ValueError:
        raise invalid(raw, _name([*path, "condition_type"])) from None


def _filter(node: object, path: list[str]) -> Filter:
    if not isinstance(node, dict):
        raise invalid(node, _name(path))
    name = node.get("field")
    if not isinstance(name, str) or not name.strip():
        raise SearchCriteriaError(REQUIRED_MESSAGE, {"fieldName": _name([*path, "field"])})
    check_text(name, _name([*path, "field"]))
    condition = _condition(node, path)
    value = _text(node, "value", path)
    needs_value = condition not in (ConditionType.NULL, ConditionType.NOTNULL)
    if value is None and needs_value:
        raise SearchCriteriaError(REQUIRED_MESSAGE, {"fieldName": _name([*path, "value"])})
    return Filter(field=name.strip(), value=value, condition_type=condition)


def _groups(tree: Mapping[str, Any]) -> tuple[FilterGroup, ...]:
    groups = []
    for g_index, group in _indexed(tree.get("filter_groups", {}), ["filter_groups"], GROUP_TYPE):
        g_path = ["filter_groups", str(g_index), "filters"]
        if not isinstance(group, dict):
            raise invalid(group, _name(g_path[:2]))
        filters = tuple(
            _filter(node, [*g_path, str(f_index)])
            for f_index, node in _indexed(group.get("filters", {}), g_path, FILTER_TYPE)
        )
        if filters:
            groups.append(FilterGroup(filters))
    return tuple(groups)


def _sort(node: object, path: list[str]) -> SortOrder:
    field = _text(node, "field", path) if isinstance(node, dict) else None
    if not isinstance(node, dict) or not (field or "").strip():
        raise SearchCriteriaError(REQUIRED_MESSAGE, {"fieldName": _name([*path, "field"])})
    raw = _text(node, "direction", path)
    direction = raw.strip().upper() if raw is not None else "DESC"
    if direction not in ("ASC", "DESC"):
        where = _name([*path, "direction"])
        raise SearchCriteriaError(DIRECTION_MESSAGE, {"1": "ASC", "2": "DESC", "fieldName": where})
    return SortOrder(str(field).strip(), direction, raw is not None)


def _sorts(tree: Mapping[str, Any]) -> tuple[SortOrder, ...]:
    nodes = _indexed(tree.get("sort_orders", {}), ["sort_orders"], SORT_TYPE)
    return tuple(_sort(node, ["sort_orders", str(index)]) for index, node in nodes)


def parse_search_criteria(
    params: Iterable[tuple[str, str]], *, required: bool = True
) -> SearchCriteria:
    """Parse the (key, value) query pairs of a request; raises `SearchCriteriaError`."""
    found, tree = _tree(params)
    if not found:
        if required:
            raise SearchCriteriaError(REQUIRED_MESSAGE, {"fieldName": "searchCriteria"})
        return SearchCriteria()
    return SearchCriteria(
        filter_groups=_groups(tree),
        sort_orders=_sorts(tree),
        page_size=_page(tree, "page_size"),
        current_page=_page(tree, "current_page"),
    )
