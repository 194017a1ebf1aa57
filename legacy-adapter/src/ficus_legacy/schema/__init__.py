"""Magento 2.4.8 Open Source schema subset: DDL, install rows and the facts it must match.

`install(conn)` creates every table of `TABLES` and inserts Magento's install rows;
`expected()` describes MAGENTO.md's columns and keys for introspection tests.
"""

from ficus_legacy.schema._install import TABLES, create_tables, install, is_installed
from ficus_legacy.schema._sequence_ddl import (
    SEQUENCE_ENTITY_TYPES,
    create_store_sequences,
    sequence_table,
)
from ficus_legacy.schema.spec import TableSpec, expected

__all__ = [
    "SEQUENCE_ENTITY_TYPES",
    "TABLES",
    "TableSpec",
    "create_store_sequences",
    "create_tables",
    "expected",
    "install",
    "is_installed",
    "sequence_table",
]
