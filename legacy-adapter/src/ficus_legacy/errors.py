"""Errors of the legacy adapter.

LegacyError                      base: anything the adapter refuses or cannot do
├── UnknownEntityType            no eav_entity_type with that code
├── UnknownAttribute             no attribute with that code for the entity type
├── UnknownStore                 no store view / website with that id or code
├── EntityNotFound               no entity row with that id
└── SequenceError                no sales sequence for (entity type, store)
"""

from __future__ import annotations


class LegacyError(Exception):
    """Base class of every error the legacy adapter raises."""


class UnknownEntityType(LegacyError):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown EAV entity type {code!r}")
        self.code = code


class UnknownAttribute(LegacyError):
    def __init__(self, entity_type: str, code: str) -> None:
        super().__init__(f"unknown attribute {code!r} of {entity_type!r}")
        self.entity_type = entity_type
        self.code = code


class UnknownStore(LegacyError):
    def __init__(self, key: int | str) -> None:
        super().__init__(f"unknown store {key!r}")
        self.key = key


class EntityNotFound(LegacyError):
    def __init__(self, entity_type: str, entity_id: int) -> None:
        super().__init__(f"no {entity_type} with entity_id {entity_id}")
        self.entity_type = entity_type
        self.entity_id = entity_id


class SequenceError(LegacyError):
    def __init__(self, entity_type: str, store_id: int) -> None:
        super().__init__(f"no sales sequence for {entity_type!r} in store {store_id}")
        self.entity_type = entity_type
        self.store_id = store_id
