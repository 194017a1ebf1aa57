"""The catalog's gate: the shared `ficus_legacy.gate` with the catalog's 401 (none of the
catalog's routes is `anonymous` in Catalog/etc/webapi.xml, so a guest is refused on all)."""

from __future__ import annotations

import time
from collections.abc import Callable

from ficus_catalog.errors import NotAuthorized
from ficus_legacy.gate import CachedCredentials, CredentialSource, Gate

__all__ = ["CachedCredentials", "Gate", "catalog_gate"]


def catalog_gate(
    signing_key: str, credentials: CredentialSource, clock: Callable[[], float] = time.time
) -> Gate:
    """The gate of the catalog's Magento routes."""
    return Gate(signing_key, credentials, lambda resources: NotAuthorized(*resources), clock)
