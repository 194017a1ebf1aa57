"""Answers of recent searches — totals and facets, and pages of hits — each valid for exactly
one generation of the searched documents (pure).

The Postgres engine reads the documents' generation (a counter that every transaction writing
`search_document` bumps, see `migrations/search`) before it searches, and computes aggregates in a
statement that also returns the generation of its own snapshot. An entry is served only to a
search that read the same generation, so a cached total, facet or page is exactly what the
database would compute at that moment; a newer generation drops every older entry. While the
catalog is quiet, a repeated search costs one round trip (the generation); every committed
write empties the cache, so under a steady stream of changes it helps little.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ficus_search.core.query import FacetValue


@dataclass(frozen=True)
class Aggregates:
    total: int
    category_facet: list[FacetValue]
    price_facet: list[FacetValue]


V = TypeVar("V")


class GenerationCache(Generic[V]):
    """A bounded LRU of values for the newest generation seen; thread-safe."""

    def __init__(self, max_entries: int = 4096) -> None:
        self._max = max_entries
        self._generation = -1
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self._max > 0

    @property
    def generation(self) -> int:
        return self._generation

    def get(self, key: Hashable, generation: int) -> V | None:
        with self._lock:
            self._advance(generation)
            found = self._entries.get(key) if generation == self._generation else None
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, generation: int, value: V) -> None:
        with self._lock:
            self._advance(generation)
            if generation != self._generation or self._max <= 0:
                return  # computed on an older snapshot: never serve it
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _advance(self, generation: int) -> None:
        if generation > self._generation:
            self._generation = generation
            self._entries.clear()


AggregateCache = GenerationCache[Aggregates]
