"""The domains the control plane knows (from configuration); anything else is refused."""

from __future__ import annotations

from collections.abc import Iterable

from ficus_control.errors import UnknownDomain

DEFAULT_DOMAINS = ("catalog", "search", "customer", "order", "cart", "inventory", "payment")


class DomainRegistry:
    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)

    def require(self, domain: str) -> str:
        if domain not in self.names:
            raise UnknownDomain(domain, self.names)
        return domain
