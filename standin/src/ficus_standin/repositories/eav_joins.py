"""An EAV entity's fields as SQL for searchCriteria, as Magento's EAV collections read them.

Static fields are columns of the entity table; an EAV attribute is joined twice (store 0 and
the request's store view) and read as `IF(store row exists, store value, default value)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ficus_legacy.eav import Eav


class EavJoins:
    """Resolves field names of `entity_type` (table alias `alias`), collecting the joins."""

    def __init__(
        self,
        eav: Eav,
        entity_type: str,
        alias: str,
        store_id: int,
        static: frozenset[str],
        aliases: Mapping[str, str],
    ) -> None:
        self.eav = eav
        self.entity_type = entity_type
        self.alias = alias
        self.store_id = store_id
        self.static = static
        self.aliases = aliases
        self.sql: list[str] = []
        self.params: list[Any] = []
        self.known: dict[str, str] = {}

    def resolve(self, name: str) -> str | None:
        """The SQL expression of `name`; None when the entity has no such field."""
        name = self.aliases.get(name, name)
        if name in self.static:
            return f"{self.alias}.`{name}`"
        if name in self.known:
            return self.known[name]
        attribute = self.eav.catalog.find(self.entity_type, name)
        if attribute is None or attribute.is_static:
            return None
        n, a = len(self.known), self.alias
        table = attribute.value_table
        self.sql.append(
            f" LEFT JOIN `{table}` d{n} ON d{n}.entity_id = {a}.entity_id"
            f" AND d{n}.attribute_id = %s AND d{n}.store_id = 0"
        )
        self.params.append(attribute.attribute_id)
        expr = f"d{n}.value"
        if self.store_id:
            self.sql.append(
                f" LEFT JOIN `{table}` s{n} ON s{n}.entity_id = {a}.entity_id"
                f" AND s{n}.attribute_id = %s AND s{n}.store_id = %s"
            )
            self.params += [attribute.attribute_id, self.store_id]
            expr = f"IF(s{n}.value_id IS NULL, d{n}.value, s{n}.value)"
        self.known[name] = expr
        return expr
