"""Shadow comparison: normalize two JSON responses, diff them, ignore what is known to differ,
and learn nondeterministic fields from two Magento answers (as Diffy does). Pure: no I/O.

Ignore patterns are JSON paths over the flattened document: `$.updated_at`, `$.items[*].id`,
`$.*.price` (one key), `$..updated_at` (at any depth). A pattern also covers everything below it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_INDEX = re.compile(r"\[\d+\]")
_MISSING = object()
MAX_LEARNED_PER_ROUTE = 500


@dataclass(frozen=True)
class Difference:
    path: str
    legacy: Any
    new: Any

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "legacy": _show(self.legacy), "new": _show(self.new)}


def parse_json(body: bytes) -> Any:
    """The document with int-valued floats made ints (1.0 == 1); `_MISSING` if not JSON."""
    try:
        return json.loads(body, parse_float=_parse_float)
    except ValueError:
        return _MISSING


def _parse_float(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def flatten(value: Any, prefix: str = "$") -> dict[str, Any]:
    out: dict[str, Any] = {}
    _flatten_into(value, prefix, out)
    return out


def _flatten_into(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten_into(item, f"{prefix}.{key}", out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _flatten_into(item, f"{prefix}[{index}]", out)
    else:
        out[prefix] = value


def generalize(path: str) -> str:
    return _INDEX.sub("[*]", path)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A JSON-path ignore pattern as a regex over generalized paths (see module docstring)."""
    if not pattern.startswith("$"):
        raise ValueError(f"ignore pattern must start with $: {pattern!r}")
    body, out, i = pattern[1:], [], 0
    while i < len(body):
        if body.startswith("..", i):
            out.append(r"(?:\.[^.\[]+|\[\*\])*\.")
            i += 2
        elif body.startswith("[*]", i):
            out.append(r"\[\*\]")
            i += 3
        elif body[i] == "*":
            out.append(r"[^.\[]+")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    regex = "".join(out)
    return re.compile(r"\$" + regex + r"(?:$|[.\[])")


def diff_documents(legacy: Any, new: Any) -> list[Difference]:
    left, right = flatten(legacy), flatten(new)
    diffs = []
    for path in sorted(left.keys() | right.keys()):
        a, b = left.get(path, _MISSING), right.get(path, _MISSING)
        if a is _MISSING or b is _MISSING or a != b or type(a) is not type(b):
            diffs.append(Difference(path, a, b))
    return diffs


def diff_bodies(legacy: bytes, new: bytes) -> list[Difference]:
    a, b = parse_json(legacy), parse_json(new)
    if a is _MISSING or b is _MISSING:
        return [] if legacy == new else [Difference("$", legacy[:200], new[:200])]
    return diff_documents(a, b)


class IgnoreRules:
    """Static ignore patterns of a route plus the noise learned for it."""

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self._regexes = [compile_pattern(p) for p in patterns]
        self.learned: set[str] = set()

    def ignores(self, path: str) -> bool:
        general = generalize(path)
        if general in self.learned or any(
            general.startswith((n + ".", n + "[")) for n in self.learned
        ):
            return True
        return any(r.match(general) for r in self._regexes)

    def learn(self, diffs: Iterable[Difference]) -> list[str]:
        """Remember the generalized paths that differed between two Magento answers."""
        paths = {generalize(d.path) for d in diffs} - {"$"}
        room = MAX_LEARNED_PER_ROUTE - len(self.learned)  # documents keyed by ids stay bounded
        fresh = sorted(paths - self.learned)[: max(room, 0)]
        self.learned.update(fresh)
        return fresh


@dataclass(frozen=True)
class Outcome:
    """One shadow comparison. `new_status` None means the new backend did not answer."""

    domain: str
    route: str
    method: str
    path: str
    legacy_status: int
    new_status: int | None
    differences: tuple[Difference, ...]

    @property
    def mismatch(self) -> bool:
        return self.legacy_status != self.new_status or bool(self.differences)


def compare(
    rules: IgnoreRules,
    legacy: tuple[int, bytes],
    new: tuple[int, bytes] | None,
) -> tuple[int | None, tuple[Difference, ...]]:
    """(new status, differences that are not ignored) between the two responses."""
    if new is None:
        return None, ()
    diffs = diff_bodies(legacy[1], new[1])
    return new[0], tuple(d for d in diffs if not rules.ignores(d.path))


def _show(value: Any) -> Any:
    if value is _MISSING:
        return "<missing>"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    return value
