"""The service layer: answer a search from the configured engine; when Elasticsearch fails,
answer from the last good engine (Postgres, always current) or raise for a fast 503."""

from __future__ import annotations

import logging
import time
from typing import Any

from ficus_search.core.errors import EngineUnavailable
from ficus_search.core.ports import IndexEngine
from ficus_search.core.query import SearchQuery, SearchResult
from ficus_search.metrics import SearchMetrics

log = logging.getLogger(__name__)


class SearchService:
    def __init__(
        self,
        primary: IndexEngine,
        metrics: SearchMetrics,
        fallback: IndexEngine | None = None,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self._metrics = metrics

    def documents(self, result: SearchResult, store_id: int) -> dict[int, dict[str, Any]]:
        """The page's documents from the engine that answered."""
        engine = self.primary if result.engine == self.primary.name else self.fallback
        assert engine is not None
        try:
            return engine.documents(store_id, result.ids)
        except EngineUnavailable:
            if self.fallback is None or engine is self.fallback:
                raise
            return self.fallback.documents(store_id, result.ids)

    def search(self, query: SearchQuery) -> SearchResult:
        """Raises EngineUnavailable when no engine can answer."""
        started = time.perf_counter()
        try:
            result = self.primary.search(query)
        except EngineUnavailable as exc:
            self._metrics.queries.labels(self.primary.name, "unavailable").inc()
            if self.fallback is None:
                raise
            log.warning(
                "%s unavailable (%s); answering from %s", self.primary.name, exc, self.fallback.name
            )
            self._metrics.fallbacks.inc()
            result = self.fallback.search(query)
        elapsed = time.perf_counter() - started
        self._metrics.queries.labels(result.engine, "ok").inc()
        self._metrics.query_seconds.labels(result.engine).observe(elapsed)
        return result
