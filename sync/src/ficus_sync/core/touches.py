"""Which aggregates a batch of row changes touched (pure): keys known from the rows, and the
touches still to resolve through the mirror (an address to its customer, a group role to its
admin users, a super attribute label to its product, an integration's rows to its tokens)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ficus_sync.core.envelope import Row
from ficus_sync.core.tables import (
    ADDRESS,
    ALL,
    ROLE,
    SUPER_LABEL,
    TOKEN_LINKS,
    TokenLinkTouch,
    Touch,
    touched,
)

__all__ = ["TouchSet"]


@dataclass
class TouchSet:
    everything: bool = False
    keys: set[Touch] = field(default_factory=set)
    addresses: set[int] = field(default_factory=set)  # address ids, customer still unknown
    roles: set[int] = field(default_factory=set)  # group role ids, admin users still unknown
    options: set[int] = field(default_factory=set)  # super attribute ids, product unknown
    token_links: set[TokenLinkTouch] = field(default_factory=set)  # tokens still unknown

    def add_row(self, table: str, row: Row | None) -> None:
        if row is None or self.everything:
            return
        found = touched(table, row)
        if found is ALL:
            self.everything = True
            return
        for kind, entity_id in found:  # type: ignore[union-attr]
            if kind == ADDRESS:
                self.addresses.add(entity_id)
            elif kind == ROLE:
                self.roles.add(entity_id)
            elif kind == SUPER_LABEL:
                self.options.add(entity_id)
            elif kind in TOKEN_LINKS:
                self.token_links.add((kind, entity_id))  # type: ignore[arg-type]
            else:
                self.keys.add((kind, entity_id))  # type: ignore[arg-type]

    def merge(self, other: TouchSet) -> None:
        self.everything = self.everything or other.everything
        self.keys |= other.keys
        self.addresses |= other.addresses
        self.roles |= other.roles
        self.options |= other.options
        self.token_links |= other.token_links

    def resolve(self, address_parent: dict[int, int]) -> None:
        """Turn address touches into their customers' (an address gone has no customer left
        to touch: its own row's deletion touched the customer)."""
        self.keys |= {
            ("customer", address_parent[a]) for a in self.addresses if a in address_parent
        }
        self.addresses = set()

    def resolve_options(self, products: Iterable[int]) -> None:
        """Turn super attribute label touches into their products' (an option gone has no
        product left to touch: its own row's deletion touched the product)."""
        self.keys |= {("product", product) for product in products}
        self.options = set()

    def resolve_roles(self, role_users: Iterable[int]) -> None:
        """Turn group role touches into their admin users' (`Mirror._role_users`)."""
        self.keys |= {("admin_role", user) for user in role_users}
        self.roles = set()

    def resolve_tokens(self, tokens: Iterable[int]) -> None:
        """Turn an integration's, its role's or the bearer flag's touches into the tokens'
        (`Mirror._link_tokens`; call before `resolve_roles`, which forgets the roles)."""
        self.keys |= {("integration_token", token) for token in tokens}
        self.token_links = set()
