"""Shadow comparison: normalize two JSON responses, diff them, ignore what is known to differ,
learn nondeterministic fields from two Magento answers (as Diffy does), and keep counts and a
bounded ring of mismatch samples per domain. Pure: no I/O; clocks are passed in.

Ignore patterns are JSON paths over the flattened document: `$.updated_at`, `$.items[*].id`,
`$.*.price` (one key), `$..updated_at` (at any depth). A pattern also covers everything below it.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

_INDEX = re.compile(r"\[\d+\]")
_MISSING = object()
MAX_DIFFS_PER_SAMPLE = 20
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


@dataclass
class _DomainStats:
    compared: int = 0
    mismatched: int = 0
    skipped: int = 0  # not compared: over the in-flight limit
    failed: int = 0  # not compared: the comparison itself broke (logged)
    minutes: deque[list[int]] = field(default_factory=deque)  # [minute_start, compared, mism.]
    samples: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=50))


class ShadowRecorder:
    """Counts per domain, a per-minute series for the mismatch rate over a window, a bounded
    ring of mismatch samples, and the not-yet-flushed per-minute deltas for the control DB."""

    def __init__(
        self,
        window_seconds: int = 300,
        max_samples: int = 50,
        clock: Callable[[], float] = time.time,
        keep_unflushed: bool = True,
    ) -> None:
        self.window_seconds = window_seconds
        self.keep_unflushed = keep_unflushed
        self.max_samples = max_samples
        self._clock = clock
        self._stats: dict[str, _DomainStats] = {}
        self._unflushed: dict[tuple[str, int], list[int]] = {}

    def record(self, outcome: Outcome) -> None:
        stats = self._domain(outcome.domain)
        minute = int(self._clock()) // 60 * 60
        if not stats.minutes or stats.minutes[-1][0] != minute:
            stats.minutes.append([minute, 0, 0])
        bad = int(outcome.mismatch)
        stats.compared += 1
        stats.mismatched += bad
        stats.minutes[-1][1] += 1
        stats.minutes[-1][2] += bad
        if self.keep_unflushed:  # off when nothing flushes them (no control DB)
            pending = self._unflushed.setdefault((outcome.domain, minute), [0, 0])
            pending[0] += 1
            pending[1] += bad
        if bad:
            stats.samples.append(self._sample(outcome))

    def skipped(self, domain: str) -> None:
        self._domain(domain).skipped += 1

    def failed(self, domain: str) -> None:
        self._domain(domain).failed += 1

    def drain(self) -> dict[tuple[str, int], list[int]]:
        """Take the per-(domain, minute) [compared, mismatched] deltas not flushed yet."""
        drained, self._unflushed = self._unflushed, {}
        return drained

    def restore(self, deltas: dict[tuple[str, int], list[int]]) -> None:
        """Put back deltas whose flush failed, so they are retried."""
        for key, (compared, mismatched) in deltas.items():
            pending = self._unflushed.setdefault(key, [0, 0])
            pending[0] += compared
            pending[1] += mismatched

    def report(self, domain: str | None = None) -> dict[str, Any]:
        names = [domain] if domain is not None else sorted(self._stats)
        return {
            "window_seconds": self.window_seconds,
            "domains": {name: self._domain_report(name) for name in names},
        }

    def _domain_report(self, name: str) -> dict[str, Any]:
        stats = self._domain(name)
        horizon = self._clock() - self.window_seconds
        recent = [m for m in stats.minutes if m[0] + 60 > horizon]
        compared = sum(m[1] for m in recent)
        mismatched = sum(m[2] for m in recent)
        return {
            "compared": stats.compared,
            "mismatched": stats.mismatched,
            "skipped": stats.skipped,
            "failed": stats.failed,
            "window": {
                "compared": compared,
                "mismatched": mismatched,
                "mismatch_rate": mismatched / compared if compared else None,
            },
            "samples": list(stats.samples),
        }

    def _domain(self, name: str) -> _DomainStats:
        stats = self._stats.get(name)
        if stats is None:
            stats = self._stats[name] = _DomainStats(samples=deque(maxlen=self.max_samples))
        horizon = self._clock() - self.window_seconds - 60
        while stats.minutes and stats.minutes[0][0] < horizon:
            stats.minutes.popleft()
        return stats

    def _sample(self, outcome: Outcome) -> dict[str, Any]:
        return {
            "at": self._clock(),
            "route": outcome.route,
            "method": outcome.method,
            "path": outcome.path,
            "legacy_status": outcome.legacy_status,
            "new_status": outcome.new_status,
            "differences": [d.as_json() for d in outcome.differences[:MAX_DIFFS_PER_SAMPLE]],
        }


def _show(value: Any) -> Any:
    if value is _MISSING:
        return "<missing>"
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    return value
