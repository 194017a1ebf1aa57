"""The customer and customer-address EAV attributes of one install (entity types 1 and 2)."""

from __future__ import annotations

from collections.abc import Iterable

from ficus_legacy.core.flatten import AttributeRow
from ficus_legacy.errors import UnknownAttribute
from ficus_legacy.types import Connection

CUSTOMER_TYPE = 1
ADDRESS_TYPE = 2
_TYPE_CODES = {CUSTOMER_TYPE: "customer", ADDRESS_TYPE: "customer_address"}


class CustomerAttributes:
    """Non-static attributes of customers and addresses, by id (for flattening) and by
    (entity type id, code) (for writing). Load once and pass it to `read`/`write`."""

    def __init__(self, rows: Iterable[tuple[int, int, str, str]]) -> None:
        """`rows`: (attribute_id, entity_type_id, attribute_code, backend_type)."""
        self.by_id: dict[int, AttributeRow] = {}
        self._by_code: dict[tuple[int, str], tuple[int, str]] = {}
        for attribute_id, type_id, code, backend in rows:
            if backend == "static":
                continue
            self.by_id[int(attribute_id)] = AttributeRow(code, backend)
            self._by_code[(int(type_id), code)] = (int(attribute_id), backend)

    @classmethod
    def load(cls, conn: Connection) -> CustomerAttributes:
        """Read eav_attribute rows of entity types customer (1) and customer_address (2)."""
        with conn.cursor() as cur:
            cur.execute(
                "SELECT attribute_id, entity_type_id, attribute_code, backend_type"
                " FROM eav_attribute WHERE entity_type_id IN (%s, %s)",
                (CUSTOMER_TYPE, ADDRESS_TYPE),
            )
            return cls(cur.fetchall())

    def lookup(self, entity_type_id: int, code: str) -> tuple[int, str]:
        """(attribute_id, backend_type) of `code`; raises UnknownAttribute."""
        try:
            return self._by_code[(entity_type_id, code)]
        except KeyError:
            raise UnknownAttribute(_TYPE_CODES[entity_type_id], code) from None
