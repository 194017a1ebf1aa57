"""Shadow comparison: normalize two JSON responses, diff them, ignore what is known to differ,
and learn nondeterministic fields from pairs of Magento answers (as Diffy does, on repeated
evidence: `noise.py`). Pure: no I/O; the clock is passed in.

Ignore patterns are JSON paths over the flattened document: `$.updated_at`, `$.items[*].id`,
`$.*.price` (one key), `$..updated_at` (at any depth). A pattern also covers everything below it.
Items of a list of objects that all carry an `attribute_code` (Magento's custom_attributes)
are keyed by it, not by position: `$.custom_attributes[attribute_code=color].value`; `[*]`
in a pattern matches either kind of item.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ficus_proxy.shadow.core.noise import NoiseLearner

_INDEX = re.compile(r"\[\d+\]")
_MISSING = object()
_ITEM_KEY = "attribute_code"  # Magento's custom_attributes: [{attribute_code, value}]


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
        keys = [item.get(_ITEM_KEY) if isinstance(item, dict) else None for item in value]
        keyed = all(isinstance(k, str) for k in keys) and len(set(keys)) == len(keys)
        for index, item in enumerate(value):
            segment = f"[{_ITEM_KEY}={keys[index]}]" if keyed else f"[{index}]"
            _flatten_into(item, prefix + segment, out)
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
            out.append(r"\[[^\]]*\]")  # a generalized index or a keyed item
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
    """Static ignore patterns of a route plus the noise learned for it (`noise`: repeated
    evidence, expiry)."""

    def __init__(
        self,
        patterns: Iterable[str] = (),
        noise: NoiseLearner | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.patterns = tuple(patterns)
        self._regexes = [compile_pattern(p) for p in self.patterns]
        self.noise = noise or NoiseLearner()
        self._clock = clock

    @property
    def learned(self) -> set[str]:
        """The learned paths ignored now."""
        return self.noise.learned(self._clock())

    def ignores(self, path: str, learned: set[str] | None = None) -> bool:
        general = generalize(path)
        learned = self.learned if learned is None else learned
        if general in learned or any(general.startswith((n + ".", n + "[")) for n in learned):
            return True
        return any(r.match(general) for r in self._regexes)

    def learn(self, diffs: Iterable[Difference]) -> list[str]:
        """One pair of Magento answers differed at `diffs`: evidence for their generalized
        paths; returns the paths that this made learned."""
        return self.noise.observe({generalize(d.path) for d in diffs}, self._clock())

    def describe(self) -> dict[str, Any]:
        """The route's static patterns and its noise rules (learned and candidates)."""
        return {"static": list(self.patterns), "noise": self.noise.rules(self._clock())}


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

    @property
    def exercised(self) -> bool:
        """Whether this comparison is evidence about the new backend's logic, the only kind a
        gate reads: a mismatch always is; a match only when Magento answered a success. Both
        sides refusing alike (an anonymous 401, a 404 for a SKU nobody has, a 400) is counted
        per route and status class but cannot dilute the mismatch rate."""
        return self.mismatch or self.legacy_status < 400

    @property
    def status_classes(self) -> str:
        """e.g. `2xx/2xx`, `4xx/4xx`, `2xx/none` (Magento's, then the new backend's)."""
        return f"{status_class(self.legacy_status)}/{status_class(self.new_status)}"


def status_class(status: int | None) -> str:
    if status is None:
        return "none"
    return f"{status // 100}xx" if 100 <= status <= 599 else "other"


def compare(
    rules: IgnoreRules,
    legacy: tuple[int, bytes],
    new: tuple[int, bytes] | None,
) -> tuple[int | None, tuple[Difference, ...]]:
    """(new status, differences that are not ignored) between the two responses."""
    if new is None:
        return None, ()
    diffs = diff_bodies(legacy[1], new[1])
    learned = rules.learned
    return new[0], tuple(d for d in diffs if not rules.ignores(d.path, learned))


def _show(value: Any) -> Any:
    if value is _MISSING:
        return "<missing>"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    return value
