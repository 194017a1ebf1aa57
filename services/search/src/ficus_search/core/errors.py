"""Errors of the search service.

SearchError
 ├── BadQuery             the request cannot be answered as asked → HTTP 400 (names the field)
 │    └── UnknownField    a filter or sort field the search model does not have
 └── EngineUnavailable    the index engine did not answer in time → fallback engine or HTTP 503

The consumer's errors (invalid event → dead letter, source unavailable → retry) are
`ficus_feed.errors`.
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class of every search-service error."""


class BadQuery(SearchError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownField(BadQuery):
    def __init__(self, field: str, allowed: list[str]) -> None:
        super().__init__(
            f'unknown filter field "{field}"; supported fields: {", ".join(sorted(allowed))}',
            field,
        )


class EngineUnavailable(SearchError):
    pass
