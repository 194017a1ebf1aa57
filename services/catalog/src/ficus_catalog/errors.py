"""Errors of the catalog service.

CatalogError
 ├── InvalidEvent        an event that cannot be mapped → dead letter (also a
 │                       ficus_feed InvalidEvent, which the feed's policy isolates)
 ├── UnknownStore        a store code not in the store table → HTTP 404 (Magento's body)
 ├── ProductNotFound     no product with that sku / id → HTTP 404 (Magento's body)
 └── BadSearchCriteria   unsupported searchCriteria field or condition → HTTP 400
"""

from __future__ import annotations

from ficus_feed import errors as feed_errors


class CatalogError(Exception):
    """Base of every error the catalog service raises on purpose."""


class InvalidEvent(CatalogError, feed_errors.InvalidEvent):
    """The event cannot be applied as it is; it goes to the dead-letter table."""


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
