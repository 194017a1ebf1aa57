"""Errors of the catalog service.

CatalogError
 ├── InvalidEvent        an event that cannot be mapped → dead letter (also a
 │                       ficus_feed InvalidEvent, which the feed's policy isolates)
 ├── UnknownStore        a store code not in the store table → HTTP 404 (Magento's body)
 ├── ProductNotFound     no product with that sku / id → HTTP 404 (Magento's body)
 ├── NotConfigurable     a configurable route asked of another product type → HTTP 400
 ├── NoSuchEntity        no category with that id → HTTP 404 ("No such entity with …")
 ├── InvalidValue        a path or query value of the wrong type → HTTP 400
 ├── NotAuthorized       no credential Magento accepts for the route's ACL resources → 401
 ├── BadSearchCriteria   unsupported searchCriteria field or condition → HTTP 400
 │    └── InvalidAttribute  a category list field that is no category attribute → HTTP 400
 └── MissingSetting      the service refuses to start (exit code 2)
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


class NotConfigurable(CatalogError):
    """OptionRepository's InputException: the sku (as asked) is not a configurable product."""

    def __init__(self, sku: str) -> None:
        super().__init__(f"product {sku!r} is not configurable")
        self.sku = sku


class NoSuchEntity(CatalogError):
    def __init__(self, field: str, value: object) -> None:
        super().__init__(f"no entity with {field} = {value!r}")
        self.field = field
        self.value = value


class InvalidValue(CatalogError):
    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"invalid {field}: {value!r}")
        self.field = field
        self.value = value


class NotAuthorized(CatalogError):
    def __init__(self, *resources: str) -> None:
        super().__init__(f"not authorized for {', '.join(resources)}")
        self.resources = resources


class BadSearchCriteria(CatalogError):
    """A searchCriteria field or condition the catalog cannot translate to SQL."""


class InvalidAttribute(BadSearchCriteria):
    """Magento's EAV collection: "Invalid attribute name: %1"."""

    def __init__(self, name: str) -> None:
        super().__init__(f"invalid attribute name {name!r}")
        self.name = name


class MissingSetting(CatalogError):
    """A setting without which the service must not run (e.g. Magento's crypt key)."""
