"""Magento's `?fields=` response filter, as `Framework/Webapi/Rest/Response/FieldsFilter.php`
parses and applies it and `Webapi/Controller/Rest/SynchronousRequestProcessor` calls it.

- Only when the parameter is truthy in PHP (not absent, `""` or `"0"`) and the answer is an
  array (a JSON object or list; `true` or a number passes as it is).
- Grammar: names of `[A-Za-z0-9_]`, `,` between them, `name[...]` for the keys inside
  (`items[sku,extension_attributes[website_ids]],total_count`). Any other character (a space
  too), an unclosed `[`, or an array parameter (`fields[]=…`) make the filter invalid: the
  answer is then `[]`.
- Keys keep the answer's order; unknown names are dropped; a list is filtered item by item.
  A filtered object left empty is `[]`, a filtered empty list or object is `null` (PHP's empty
  array, and `applyFilter` over no items).
- `custom_attributes[color,size]` keeps the entries of those codes (attribute_code and value);
  `attribute_code` / `value` inside it keep that key of every entry. The kept entries keep their
  index: when they are not 0…n-1 PHP encodes them as an object keyed by index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FieldsFilter",
    "FieldsFilterError",
    "Spec",
    "apply",
    "filter_json",
    "filter_value",
    "parse",
    "requested",
]

Spec = dict[str, "Spec | None"]  # None: keep the key whole (PHP's 1)
PARAMETER = "fields"
CUSTOM_ATTRIBUTES = "custom_attributes"
_INVALID = re.compile(r"[^\w\[\],]", re.ASCII)


class FieldsFilterError(TypeError):
    """A sub-filter met a scalar item of a list: Magento's TypeError (its answer is a 500)."""


@dataclass(frozen=True)
class FieldsFilter:
    """A request's `fields`: its parsed spec, or None when Magento finds it invalid."""

    spec: Spec | None


def requested(query: Iterable[tuple[str, str]]) -> FieldsFilter | None:
    """The request's filter (PHP's last `fields` wins); None when there is none to apply."""
    found: str | None = None
    as_array = False
    for key, value in query:
        if key == PARAMETER:
            found, as_array = value, False
        elif key.startswith(PARAMETER + "["):
            found, as_array = value, True
    if found is None or (not as_array and found in ("", "0")):
        return None
    return FieldsFilter(None if as_array else parse(found))


def parse(text: str) -> Spec | None:
    """`a,b[c,d[e]]` → {"a": None, "b": {"c": None, "d": {"e": None}}}; None if invalid."""
    if not text or _INVALID.search(text):
        return None
    current: Spec = {}
    stack: list[Spec] = []
    parents: list[str] = []
    element = ""  # PHP's $currentElement: the last name read, kept across separators
    start: int | None = None
    for at, char in enumerate(text):
        if char in "[],":
            if start is not None:
                element = text[start:at]
                current[element] = None
            start = None
        if char == "[":
            parents.append(element)
            stack.append(current)
            current = {}
        elif char == "]":
            inner = current
            current = stack.pop() if stack else {}
            current[parents.pop() if parents else ""] = inner
        elif char != "," and start is None:
            start = at
    if stack:
        return None
    if start is not None:
        current[text[start:]] = None
    return current


def apply(data: Any, spec: Spec) -> Any:
    """`data` (a decoded JSON object or list) reduced to `spec`, as Magento's `applyFilter`."""
    if isinstance(data, dict) and data:
        return _intersect(data, spec)
    if not data:
        return None
    out = []
    for item in data:
        if not isinstance(item, dict | list):
            raise FieldsFilterError(f"fields: a scalar item under {sorted(spec)}")
        out.append(_intersect(item, spec) if isinstance(item, dict) else [])
    return out


def _intersect(data: dict[str, Any], spec: Spec) -> Any:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in spec:
            continue
        sub = spec[key]
        if key == CUSTOM_ATTRIBUTES and sub is not None:
            out[key] = _custom_attributes(value, sub)
        elif sub is not None and isinstance(value, dict | list):
            out[key] = apply(value, sub)
        else:
            out[key] = value
    return out or []


def _custom_attributes(entries: list[dict[str, Any]], spec: Spec) -> Any:
    kept: dict[int, dict[str, Any]] = {}
    for index, entry in enumerate(entries):
        if entry.get("attribute_code") in spec:
            kept[index] = {"attribute_code": entry["attribute_code"], "value": entry.get("value")}
            continue
        part: dict[str, Any] = {k: entry.get(k) for k in ("attribute_code", "value") if k in spec}
        if part:
            kept[index] = part
    if list(kept) == list(range(len(kept))):
        return list(kept.values())
    return {str(index): entry for index, entry in kept.items()}


def filter_value(value: Any, wanted: FieldsFilter) -> Any:
    """The answer `value` after Magento's filter (scalars pass; an invalid filter gives [])."""
    if not isinstance(value, dict | list):
        return value
    return [] if wanted.spec is None else apply(value, wanted.spec)


def filter_json(body: bytes, wanted: FieldsFilter) -> bytes:
    """A JSON answer filtered, written as the stand-in writes JSON (compact, UTF-8)."""
    value = filter_value(json.loads(body), wanted)
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
