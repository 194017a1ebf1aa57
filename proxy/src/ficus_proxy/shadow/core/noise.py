"""Noise learning (pure): which fields of a route differ between two answers of Magento itself,
so a difference there says nothing about the new backend.

A path is learned only on repeated evidence: it must have differed in `min_evidence` separate
pairs of Magento answers, each within `ttl_seconds` of the last. A learned rule expires
`ttl_seconds` after its last evidence, so a field that settles is compared again. Paths are
generalized (`[3]` → `[*]`) but keyed list items keep their key (`custom_attributes
[attribute_code=news_from_date]`): one changing custom attribute hides only itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_PATHS_PER_ROUTE = 500  # documents keyed by ids stay bounded


@dataclass
class _Evidence:
    count: int
    first: float
    last: float


@dataclass
class NoiseLearner:
    """The learned noise of one route, and the candidates still gathering evidence."""

    min_evidence: int = 3
    ttl_seconds: float = 3600.0
    _paths: dict[str, _Evidence] = field(default_factory=dict)

    def observe(self, paths: Iterable[str], now: float) -> list[str]:
        """One pair of Magento answers differed at `paths`: count it as one piece of evidence
        per path; returns the paths this made learned."""
        self._expire(now)
        fresh = []
        for path in sorted(set(paths) - {"$"}):  # never learn to ignore everything
            seen = self._paths.get(path)
            if seen is None:
                if len(self._paths) >= MAX_PATHS_PER_ROUTE:
                    continue
                seen = self._paths[path] = _Evidence(0, now, now)
            seen.count, seen.last = seen.count + 1, now
            if seen.count == self.min_evidence:
                fresh.append(path)
        return fresh

    def learned(self, now: float) -> set[str]:
        """The paths ignored now: enough evidence, the last of it not expired."""
        return {
            path
            for path, seen in self._paths.items()
            if seen.count >= self.min_evidence and now - seen.last <= self.ttl_seconds
        }

    def rules(self, now: float) -> list[dict[str, Any]]:
        """Every path with evidence, learned or not yet, as `ficus diff` shows them."""
        self._expire(now)
        return [
            {
                "path": path,
                "learned": seen.count >= self.min_evidence,
                "evidence": seen.count,
                "needed": self.min_evidence,
                "first_seen_s_ago": round(now - seen.first, 1),
                "expires_in_s": round(self.ttl_seconds - (now - seen.last), 1),
            }
            for path, seen in sorted(self._paths.items())
        ]

    def _expire(self, now: float) -> None:
        for path in [p for p, seen in self._paths.items() if now - seen.last > self.ttl_seconds]:
            del self._paths[path]
