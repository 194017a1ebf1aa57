"""Errors of customer reads and writes (all are `LegacyError`s).

LegacyError
└── CustomerWriteError           a customer write Magento's constraints refuse
    ├── DuplicateEmail           another customer holds (email, website_id)
    └── EntityIdTaken            the explicit entity_id of an insert is in use
"""

from __future__ import annotations

from ficus_legacy.errors import LegacyError


class CustomerWriteError(LegacyError):
    """Base class of the customer writer's refusals."""


class DuplicateEmail(CustomerWriteError):
    def __init__(self, email: str, website_id: int | None) -> None:
        super().__init__(f"email {email!r} is taken in website {website_id}")
        self.email = email
        self.website_id = website_id


class EntityIdTaken(CustomerWriteError):
    def __init__(self, table: str, entity_id: int) -> None:
        super().__init__(f"{table} entity_id {entity_id} is in use")
        self.table = table
        self.entity_id = entity_id
