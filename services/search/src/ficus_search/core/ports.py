"""The index-engine port: what the service needs from Postgres FTS or Elasticsearch."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from ficus_search.core.query import SearchQuery, SearchResult


class IndexEngine(ABC):
    """Answers searches over the flat documents. Implementations translate their driver's
    errors into `EngineUnavailable` (down, timed out) or `BadQuery`."""

    name: str

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def document(self, store_id: int, entity_id: int) -> dict[str, Any] | None:
        """One stored document (its JSON), or None."""

    @abstractmethod
    def documents(self, store_id: int, entity_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Stored documents by entity id (missing ones are left out)."""

    @abstractmethod
    def healthy(self) -> bool: ...
