"""Errors of the catalog service.

CatalogError
 ├── InvalidEvent        an event that fails validation or cannot be mapped → dead letter
 ├── SourceUnavailable   sync's event table cannot be reached → retried with backoff
 ├── UnknownStore        a store code not in the store table → HTTP 404 (Magento's body)
 ├── ProductNotFound     no product with that sku / id → HTTP 404 (Magento's body)
 └── BadSearchCriteria   unsupported searchCriteria field or condition → HTTP 400
"""

from __future__ import annotations


class CatalogError(Exception):
    """Base of every error the catalog service raises on purpose."""


class InvalidEvent(CatalogError):
    """The event cannot be applied as it is; it goes to the dead-letter table."""


class SourceUnavailable(CatalogError):
    """Sync's database (the event source) cannot be reached."""


class CheckpointMoved(CatalogError):
    """Another consumer with the same name moved the checkpoint; re-read it and go on."""


class UnknownStore(CatalogError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown store code {code!r}")
        self.code = code


class ProductNotFound(CatalogError):
    def __init__(self, key: str) -> None:
        super().__init__(f"product {key!r} not found")
        self.key = key


class NotAuthorized(CatalogError):
    def __init__(self, resource: str) -> None:
        super().__init__(f"not authorized for {resource}")
        self.resource = resource


class BadSearchCriteria(CatalogError):
    """A searchCriteria field or condition the catalog cannot translate to SQL."""
